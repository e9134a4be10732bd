package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import io.fjord.metadata.UserScramCredentialRecord;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramSaslClient;
import org.junit.jupiter.api.Test;

class ScramMechanismTest {

    // RFC 7677 section 3.
    static final String RFC_CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String RFC_SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String RFC_CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    static final String FAILED =
            "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256";

    static final byte[] RFC_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");

    static MetadataImage imageWith(
            ScramAlgorithm algorithm, String user, String password, byte[] salt, int iterations) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        byte[] salted = algorithm.saltedPassword(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        delta.replay(new UserScramCredentialRecord(user, algorithm, algorithm.credential(salt, salted, iterations)));
        return delta.apply(0L);
    }

    static ScramMechanism rfcMechanism(MetadataImage image) {
        return new ScramMechanism(ScramAlgorithm.SCRAM_SHA_256, () -> image, () -> RFC_SERVER_NONCE, new byte[32]);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void answersTheRfc7677ExchangeByteForByte() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        SaslExchange exchange = rfcMechanism(image).newExchange();

        assertThat(text(exchange.evaluate(utf8(RFC_CLIENT_FIRST)))).isEqualTo(RFC_SERVER_FIRST);
        assertThat(exchange.isComplete()).isFalse();
        assertThat(text(exchange.evaluate(utf8(RFC_CLIENT_FINAL)))).isEqualTo(RFC_SERVER_FINAL);
        assertThat(exchange.isComplete()).isTrue();
        assertThat(exchange.authenticatedUser()).isEqualTo("user");
    }

    @Test
    void aWrongPasswordFailsAtTheProofWithKafkasMessage() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "not-pencil", RFC_SALT, 4096);
        SaslExchange exchange = rfcMechanism(image).newExchange();

        exchange.evaluate(utf8(RFC_CLIENT_FIRST));
        assertThatThrownBy(() -> exchange.evaluate(utf8(RFC_CLIENT_FINAL)))
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessage(FAILED);
        assertThat(exchange.isComplete()).isFalse();
        assertThatThrownBy(exchange::authenticatedUser).isInstanceOf(IllegalStateException.class);
        // A failed exchange stays failed, even if the right token came next.
        assertThatThrownBy(() -> exchange.evaluate(utf8(RFC_CLIENT_FINAL))).hasMessage(FAILED);
    }

    @Test
    void anUnknownUserIsAnsweredLikeAKnownOneAndFailsOnlyAtTheProof() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "alice", "secret", RFC_SALT, 8192);
        ScramMechanism mechanism = new ScramMechanism(
                ScramAlgorithm.SCRAM_SHA_256, () -> image, () -> "servernonce", utf8("a secret of this broker"));

        SaslExchange first = mechanism.newExchange();
        String serverFirst = text(first.evaluate(utf8("n,,n=mallory,r=clientnonce")));
        assertThat(serverFirst).matches("r=clientnonceservernonce,s=[A-Za-z0-9+/=]+,i=4096");
        // Shaped like a salt the Java Admin client makes: base 36 text.
        String salt = serverFirst.split(",")[1].substring(2);
        assertThat(text(Base64.getDecoder().decode(salt))).matches("[0-9a-z]{20,26}");
        assertThatThrownBy(() -> first.evaluate(utf8("c=biws,r=clientnonceservernonce,p="
                        + Base64.getEncoder().encodeToString(new byte[32]))))
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessage(FAILED);

        // A second try sees the same salt, as it would for a real user.
        assertThat(text(mechanism.newExchange().evaluate(utf8("n,,n=mallory,r=other"))))
                .contains(",s=" + salt + ",");
        assertThat(text(mechanism.newExchange().evaluate(utf8("n,,n=trudy,r=other"))))
                .doesNotContain(",s=" + salt);
    }

    @Test
    void completesWithKafkasOwnScramClientForBothHashes() throws Exception {
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            var kafkaMechanism = org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(
                    algorithm.mechanismName());
            ScramFormatter formatter = new ScramFormatter(kafkaMechanism);
            byte[] salt = utf8(ScramMechanism.randomString(new Random(7)));
            byte[] salted = formatter.saltedPassword("alice-secret", salt, 8192);
            // Our derivation agrees with Kafka's.
            assertThat(algorithm.saltedPassword(utf8("alice-secret"), salt, 8192))
                    .isEqualTo(salted);
            assertThat(algorithm.storedKey(salted)).isEqualTo(formatter.storedKey(formatter.clientKey(salted)));
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            delta.replay(new UserScramCredentialRecord(
                    "alice",
                    algorithm,
                    new ScramCredential(salt, algorithm.storedKey(salted), algorithm.serverKey(salted), 8192)));
            MetadataImage image = delta.apply(0L);

            assertThat(loginWithKafkaClient(image, algorithm, "alice", "alice-secret"))
                    .as(algorithm.mechanismName())
                    .isEqualTo("alice");
            assertThatThrownBy(() -> loginWithKafkaClient(image, algorithm, "alice", "wrong"))
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessage("Authentication failed during authentication due to invalid credentials with SASL"
                            + " mechanism " + algorithm.mechanismName());
        }
    }

    /** Runs Kafka's client against our server to the end; the client checks our ServerSignature. */
    static String loginWithKafkaClient(MetadataImage image, ScramAlgorithm algorithm, String user, String password)
            throws Exception {
        ScramMechanism server = ScramMechanism.of(algorithm, () -> image, new SecureRandom());
        ScramSaslClient client = new ScramSaslClient(
                org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(
                        algorithm.mechanismName()),
                callbacks -> {
                    for (Callback callback : callbacks) {
                        if (callback instanceof NameCallback name) {
                            name.setName(user);
                        } else if (callback instanceof PasswordCallback secret) {
                            secret.setPassword(password.toCharArray());
                        }
                    }
                });
        SaslExchange exchange = server.newExchange();
        byte[] token = client.evaluateChallenge(new byte[0]);
        while (!client.isComplete()) {
            byte[] challenge = exchange.evaluate(token);
            token = client.evaluateChallenge(challenge);
        }
        assertThat(exchange.isComplete()).isTrue();
        return exchange.authenticatedUser();
    }

    @Test
    void aServerSignatureFromAnotherServerKeyIsRefusedByKafkasClient() throws Exception {
        // The client proves the server knows ServerKey: a credential with a wrong one fails on the client's side.
        ScramAlgorithm algorithm = ScramAlgorithm.SCRAM_SHA_256;
        byte[] salted = algorithm.saltedPassword(utf8("pw"), RFC_SALT, 4096);
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new UserScramCredentialRecord(
                "bob", algorithm, new ScramCredential(RFC_SALT, algorithm.storedKey(salted), new byte[32], 4096)));
        MetadataImage image = delta.apply(0L);
        assertThatThrownBy(() -> loginWithKafkaClient(image, algorithm, "bob", "pw"))
                .isInstanceOf(SaslException.class);
    }

    @Test
    void refusesChannelBindingAndMalformedClientFirstMessages() {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        for (String bad : List.of(
                "p=tls-unique,,n=user,r=abc",
                "y,,n=user,r=abc",
                "n,,n=,r=abc",
                "n,,n=user",
                "n,,r=abc,n=user",
                "n,,n=us=er,r=abc",
                "n,,m=ext,n=user,r=abc",
                "n,,n=user,r=a b",
                "n,,n=user,r=abc,tokenauth=true",
                "n,x=y,n=user,r=abc",
                "")) {
            assertThatThrownBy(() -> rfcMechanism(image).newExchange().evaluate(utf8(bad)))
                    .as(bad)
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessage(FAILED);
        }
    }

    @Test
    void refusesTokensThatAreTooLargeOrNotUtf8() {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        byte[] huge = utf8("n,,n=user,r=" + "a".repeat(ScramMechanism.MAX_TOKEN_BYTES));
        assertThatThrownBy(() -> rfcMechanism(image).newExchange().evaluate(huge))
                .hasMessage(FAILED);
        byte[] notUtf8 = {'n', ',', ',', 'n', '=', (byte) 0xC3, (byte) 0x28, ',', 'r', '=', 'a'};
        assertThatThrownBy(() -> rfcMechanism(image).newExchange().evaluate(notUtf8))
                .hasMessage(FAILED);
    }

    @Test
    void acceptsAnAuthzidOnlyWhenItIsTheUser() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        assertThat(text(rfcMechanism(image).newExchange().evaluate(utf8("n,a=user,n=user,r=rOprNGfwEbeRWgbNEkqO"))))
                .isEqualTo(RFC_SERVER_FIRST);
        assertThatThrownBy(() ->
                        rfcMechanism(image).newExchange().evaluate(utf8("n,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO")))
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessage(
                        "Authentication failed: Client requested an authorization id that is different from username");
    }

    @Test
    void refusesAClientFinalMessageWithAnotherNonceOrChannelBinding() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        for (String bad : List.of(
                RFC_CLIENT_FINAL.replace("$k0,", "$k1,"),
                RFC_CLIENT_FINAL.replace(
                        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "r=rOprNGfwEbeRWgbNEkqO"),
                RFC_CLIENT_FINAL.replace("c=biws", "c=eSws"),
                RFC_CLIENT_FINAL.replace("c=biws,", ""),
                RFC_CLIENT_FINAL.substring(0, RFC_CLIENT_FINAL.indexOf(",p=")),
                RFC_CLIENT_FINAL.replace("p=dHzb", "p=*Hzb"),
                RFC_CLIENT_FINAL.replace("p=dHzbZapWIk4j", "p="))) {
            SaslExchange exchange = rfcMechanism(image).newExchange();
            exchange.evaluate(utf8(RFC_CLIENT_FIRST));
            assertThatThrownBy(() -> exchange.evaluate(utf8(bad)))
                    .as(bad)
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessage(FAILED);
        }
    }

    @Test
    void acceptsLibrdkafkasRepeatedClientNonceAsKafkaDoes() throws Exception {
        // librdkafka 2.0 sends r=cnonce+cnonce+snonce; its proof is over that message, and Kafka accepts it.
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "user", "pencil", RFC_SALT, 4096);
        SaslExchange exchange = rfcMechanism(image).newExchange();
        String serverFirst = text(exchange.evaluate(utf8(RFC_CLIENT_FIRST)));
        String withoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO" + serverFirst.split(",")[0].substring(2);
        byte[] salted = ScramAlgorithm.SCRAM_SHA_256.saltedPassword(utf8("pencil"), RFC_SALT, 4096);
        String authMessage = RFC_CLIENT_FIRST.substring(3) + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = ScramAlgorithm.SCRAM_SHA_256.clientKey(salted);
        byte[] signature =
                ScramAlgorithm.SCRAM_SHA_256.hmac(ScramAlgorithm.SCRAM_SHA_256.storedKey(salted), utf8(authMessage));
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }

        exchange.evaluate(utf8(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)));
        assertThat(exchange.authenticatedUser()).isEqualTo("user");
    }

    @Test
    void decodesEscapedCommasAndEqualsInUserNames() throws Exception {
        MetadataImage image = imageWith(ScramAlgorithm.SCRAM_SHA_256, "a,b=c", "pw", RFC_SALT, 4096);
        ScramMechanism mechanism = rfcMechanism(image);
        SaslExchange exchange = mechanism.newExchange();
        String serverFirst = text(exchange.evaluate(utf8("n,,n=a=2Cb=3Dc,r=nonce")));
        assertThat(serverFirst).startsWith("r=nonce" + RFC_SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    }

    @Test
    void offersBothMechanismsByTheirSaslNames() {
        List<SaslMechanism> all = ScramMechanism.all(() -> MetadataImage.EMPTY);
        assertThat(all).extracting(SaslMechanism::name).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-512");
    }
}
