package io.fjord.broker.network;

import io.netty.handler.ssl.SslHandler;
import java.security.Principal;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * The principal of a TLS client as Kafka's {@code DefaultKafkaPrincipalBuilder} names it with the DEFAULT {@code
 * ssl.principal.mapping.rules}: {@code User:} and the distinguished name of its certificate's subject in RFC 2253 form
 * ({@code User:CN=alice,OU=eng,O=example}), or {@link RequestContext#ANONYMOUS} when it sent no certificate. Stateless.
 */
final class TlsPrincipals {

    private TlsPrincipals() {}

    static String ofPeer(SslHandler tls) {
        if (tls == null) {
            return RequestContext.ANONYMOUS;
        }
        try {
            Principal peer = tls.engine().getSession().getPeerPrincipal();
            return peer instanceof X500Principal x500 ? "User:" + x500.getName() : "User:" + peer.getName();
        } catch (SSLPeerUnverifiedException e) {
            return RequestContext.ANONYMOUS;
        }
    }
}
