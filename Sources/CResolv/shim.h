// The system resolver (glibc's libresolv): DNS queries for SRV records, which
// neither Foundation nor SwiftNIO offer. Used by NeedletailServer/Federation.
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
