package io.fjord.broker.security;

import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * One connection's server side of a SCRAM exchange (RFC 5802 section 5), as Kafka's {@code ScramSaslServer} runs it:
 *
 * <pre>
 *   client-first  n,[a=authzid],n=user,r=cnonce[,ext=value]...   (gs2 header "n,,": no channel binding)
 *   server-first  r=cnonce+snonce,s=base64(salt),i=iterations
 *   client-final  c=base64(gs2 header),r=[...]cnonce+snonce[,ext=value]...,p=base64(ClientProof)
 *   server-final  v=base64(ServerSignature)
 * </pre>
 *
 * The proof is checked as RFC 5802 says: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage), then H(ClientKey)
 * against StoredKey in constant time. Every failure (malformed token, unknown user, wrong proof, a token after the
 * end) is a {@link SaslAuthenticationException} with Kafka's one message for invalid credentials, except an authzid
 * other than the user, which Kafka reports as such. Extensions are ignored, as Kafka ignores those it does not know,
 * except {@code tokenauth=true} (delegation tokens, which Fjord does not have), which fails.
 *
 * <p>Lifecycle: {@link State}; not thread-safe (one connection's tokens arrive one at a time).
 */
final class ScramExchange implements SaslExchange {

    /** Where the exchange is; each state names the token it waits for. */
    enum State {
        CLIENT_FIRST,
        CLIENT_FINAL,
        COMPLETE,
        FAILED
    }

    private final ScramMechanism mechanism;
    private final ScramAlgorithm algorithm;
    private State state = State.CLIENT_FIRST;

    // Set by the client-first message.
    private String user;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramCredential credential;

    ScramExchange(ScramMechanism mechanism) {
        this.mechanism = mechanism;
        this.algorithm = mechanism.algorithm();
    }

    State state() {
        return state;
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException {
        try {
            switch (state) {
                case CLIENT_FIRST:
                    return onClientFirst(decode(clientToken));
                case CLIENT_FINAL:
                    return onClientFinal(decode(clientToken));
                case COMPLETE:
                    throw new IllegalStateException("SCRAM exchange of " + user + " is already complete");
                default:
                    throw invalid();
            }
        } catch (SaslAuthenticationException e) {
            fail();
            throw e;
        }
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    @Override
    public String authenticatedUser() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("SCRAM exchange is " + state + ", not complete");
        }
        return user;
    }

    private byte[] onClientFirst(String message) throws SaslAuthenticationException {
        // gs2-header: "n," [ "a=" saslname ] ","; "p=" (channel binding) and "y," are refused, as Kafka does.
        if (!message.startsWith("n,")) {
            throw invalid();
        }
        int headerEnd = message.indexOf(',', 2);
        if (headerEnd < 0) {
            throw invalid();
        }
        String authzidField = message.substring(2, headerEnd);
        gs2Header = message.substring(0, headerEnd + 1);
        clientFirstBare = message.substring(headerEnd + 1);
        String authzid = "";
        if (!authzidField.isEmpty()) {
            if (!authzidField.startsWith("a=")) {
                throw invalid();
            }
            authzid = saslName(authzidField.substring(2));
        }
        String[] fields = clientFirstBare.split(",", -1);
        // RFC 5802: a mandatory extension ("m=") the server does not know fails the exchange.
        if (fields.length < 2 || !fields[0].startsWith("n=") || !fields[1].startsWith("r=")) {
            throw invalid();
        }
        user = saslName(fields[0].substring(2));
        String clientNonce = fields[1].substring(2);
        if (user.isEmpty() || !printable(clientNonce)) {
            throw invalid();
        }
        checkExtensions(fields, 2, fields.length);
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            throw new SaslAuthenticationException(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        ScramMechanism.Credential found = mechanism.credential(user);
        credential = found.credential();
        if (credential.iterations() < ScramAlgorithm.MIN_ITERATIONS) {
            throw invalid(); // Kafka refuses to run a credential weaker than the mechanism's minimum
        }
        nonce = clientNonce + mechanism.nextServerNonce();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credential.salt()) + ",i="
                + credential.iterations();
        state = State.CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] onClientFinal(String message) throws SaslAuthenticationException {
        int proofStart = message.lastIndexOf(",p=");
        if (proofStart < 0) {
            throw invalid();
        }
        String withoutProof = message.substring(0, proofStart);
        String[] fields = withoutProof.split(",", -1);
        if (fields.length < 2 || !fields[0].startsWith("c=") || !fields[1].startsWith("r=")) {
            throw invalid();
        }
        String channelBinding = fields[0].substring(2);
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8));
        // Kafka's client always sends "biws" (base64 of "n,,"); an RFC client with an authzid repeats its header.
        if (!channelBinding.equals(expectedBinding) && !channelBinding.equals("biws")) {
            throw invalid();
        }
        // Kafka checks only that the nonce ends with cnonce+snonce: librdkafka (2.0, what kcat links) sends its own
        // nonce once more in front. The server nonce is there either way, and the proof covers the nonce as sent.
        String finalNonce = fields[1].substring(2);
        if (!finalNonce.endsWith(nonce) || !printable(finalNonce)) {
            throw invalid();
        }
        checkExtensions(fields, 2, fields.length);
        byte[] proof = base64(message.substring(proofStart + 3));
        if (proof.length != algorithm.hashBytes()) {
            throw invalid();
        }
        byte[] authMessage =
                (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credential.storedKey();
        byte[] clientSignature = algorithm.hmac(storedKey, authMessage);
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        if (!MessageDigest.isEqual(algorithm.hash(clientKey), storedKey)) {
            throw invalid();
        }
        byte[] serverSignature = algorithm.hmac(credential.serverKey(), authMessage);
        credential = null;
        state = State.COMPLETE;
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    private void fail() {
        state = State.FAILED;
        credential = null;
    }

    /** The token as text: bounded, and UTF-8 that decodes cleanly (RFC 5802 messages are UTF-8). */
    private String decode(byte[] token) throws SaslAuthenticationException {
        if (token == null || token.length == 0 || token.length > ScramMechanism.MAX_TOKEN_BYTES) {
            throw invalid();
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(token))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid();
        }
    }

    /** A saslname with "=2C" and "=3D" turned back into "," and "="; any other "=" is malformed. */
    private String saslName(String encoded) throws SaslAuthenticationException {
        StringBuilder out = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c != '=') {
                out.append(c);
            } else if (encoded.startsWith("2C", i + 1)) {
                out.append(',');
                i += 2;
            } else if (encoded.startsWith("3D", i + 1)) {
                out.append('=');
                i += 2;
            } else {
                throw invalid();
            }
        }
        return out.toString();
    }

    /** Each of {@code fields[from..to)} is an extension "name=value"; {@code tokenauth=true} is refused. */
    private void checkExtensions(String[] fields, int from, int to) throws SaslAuthenticationException {
        for (int i = from; i < to; i++) {
            int eq = fields[i].indexOf('=');
            if (eq <= 0 || eq == fields[i].length() - 1) {
                throw invalid();
            }
            for (int j = 0; j < eq; j++) {
                char c = fields[i].charAt(j);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    throw invalid();
                }
            }
            if (fields[i].startsWith("tokenauth=")
                    && fields[i].substring(eq + 1).equalsIgnoreCase("true")) {
                throw invalid();
            }
        }
    }

    /** RFC 5802's printable: %x21-2B / %x2D-7E, i.e. visible ASCII but ','. */
    private static boolean printable(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    private byte[] base64(String value) throws SaslAuthenticationException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    private SaslAuthenticationException invalid() {
        return new SaslAuthenticationException(mechanism.failureMessage());
    }
}
