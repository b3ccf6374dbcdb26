import NIOCore
import XMPPCore
import XMPPStreams

extension XMPPClientHandler {
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .send(let element):
            guard machine.isEstablished else {
                promise?.fail(notEstablished())
                return
            }
            element.write(into: &outbound, context: .clientStream)
            countOutbound(element)
            if let promise { outboundPromises.append(promise) }

        case .request(let iq, let timeout, let response):
            // A refused request fails `response`; its write promise then completes with the next flush.
            request(iq, timeout: timeout, response: response, context: context)
            if let promise { outboundPromises.append(promise) }

        case .cancelRequest(let id):
            if let entry = requests.remove(id: id) {
                entry.timer?.cancel()
                entry.response.fail(CancellationError())
            }
            promise?.succeed(())

        case .close:
            run(machine.closeRequested(), context: context)
            promise?.succeed(())
        }
    }

    func flush(context: ChannelHandlerContext) {
        flushOutbound(context: context)
    }

    /// Records a request, arms its timeout and writes it. `response` fails at once
    /// when the session is not established or the `id` is already waiting.
    private func request(_ iq: IQ, timeout: TimeAmount, response: EventLoopPromise<IQ>, context: ChannelHandlerContext) {
        guard machine.isEstablished else {
            response.fail(notEstablished())
            return
        }
        guard let id = iq.id, !requests.contains(id: id) else {
            response.fail(XMPPClientError.invalidRequest("a request with id '\(iq.id ?? "")' is already waiting"))
            return
        }
        // XMPPClient checked that `to`, if present, is a valid JID.
        let to = (try? iq.to) ?? nil
        requests.add(id: id, to: to, response: response)
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard let entry = self.requests.remove(id: id) else { return }
            entry.response.fail(XMPPClientError.timeout("no answer to iq '\(id)' in time"))
        }
        requests.setTimer(timer, id: id)
        iq.element.write(into: &outbound, context: .clientStream)
        countOutbound(iq.element)
    }

    private func notEstablished() -> XMPPClientError {
        if let failure { return failure }
        return machine.isClosed || ended ? .closed("the session has ended") : .closed("the session is not established")
    }
}
