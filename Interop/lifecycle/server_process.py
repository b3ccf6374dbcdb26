"""Starts and stops a real `needletail serve` for the lifecycle tests. The test
script is the server's parent, so it can signal it and read its exit status;
the pid is also written to a file so run.sh's cleanup can end a server a
failed script left behind."""
import os
import signal
import socket
import subprocess
import time


class ServerProcess:
    def __init__(self, binary, config, port, log_path, pid_path):
        self.binary, self.config, self.port = binary, config, port
        self.log_path, self.pid_path = log_path, pid_path
        self.process = None
        self.starts = 0

    def start(self):
        """Starts the server and waits until its client port accepts connections."""
        self.starts += 1
        log = open(self.log_path, "a")
        log.write(f"---- start {self.starts}\n")
        log.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--config", self.config], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        with open(self.pid_path, "w") as pid_file:
            pid_file.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode} while starting")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not listen within 20 s")

    @property
    def pid(self):
        return self.process.pid

    def signal(self, number):
        os.kill(self.process.pid, number)

    def wait(self, timeout):
        """The exit status (negative: killed by that signal), or None if the
        server is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """SIGKILL and reap; a no-op once the server has exited."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def log_text(self):
        with open(self.log_path, errors="replace") as log:
            return log.read()
