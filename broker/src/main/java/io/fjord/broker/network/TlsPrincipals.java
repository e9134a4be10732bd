package io.fjord.broker.network;

import io.netty.handler.ssl.SslHandler;
import java.security.Principal;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/**
 * The name a TLS client's certificate gives it, as Kafka's {@code DefaultKafkaPrincipalBuilder} reads it: the
 * distinguished name of the certificate's subject in RFC 2253 form ({@code CN=alice,OU=eng,O=example}), which {@code
 * ssl.principal.mapping.rules} then maps to the principal's name. Stateless.
 */
final class TlsPrincipals {

    private TlsPrincipals() {}

    /** The peer certificate's distinguished name, or null when the client sent no certificate (ANONYMOUS). */
    static String distinguishedName(SslHandler tls) {
        if (tls == null) {
            return null;
        }
        try {
            Principal peer = tls.engine().getSession().getPeerPrincipal();
            return peer instanceof X500Principal x500 ? x500.getName() : peer.getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
