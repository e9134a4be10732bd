package io.fjord.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * SASL/PLAIN (RFC 4616) against the users of Kafka's PlainLoginModule JAAS options: {@code user_<name>="<password>"}.
 * The client sends {@code authzid NUL user NUL password} in one token; an authorization id other than the user is
 * refused, as Kafka refuses it. Thread-safe.
 */
public final class PlainMechanism implements SaslMechanism {

    public static final String NAME = "PLAIN";
    /** Longer tokens are refused before they are parsed. */
    private static final int MAX_TOKEN_BYTES = 64 * 1024;

    private final Map<String, String> passwords;

    /** @param passwords each user's password */
    public PlainMechanism(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** The users of a PlainLoginModule's options: each {@code user_<name>} option. */
    public static PlainMechanism fromJaasOptions(Map<String, String> options) {
        Map<String, String> passwords = new java.util.HashMap<>();
        options.forEach((key, value) -> {
            if (key.startsWith("user_") && key.length() > "user_".length()) {
                passwords.put(key.substring("user_".length()), value);
            }
        });
        return new PlainMechanism(passwords);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SaslExchange newExchange() {
        return new SaslExchange() {
            private String user;

            @Override
            public byte[] evaluate(byte[] token) throws SaslAuthenticationException {
                if (user != null) {
                    throw new SaslAuthenticationException("Authentication failed: PLAIN takes a single token");
                }
                if (token.length > MAX_TOKEN_BYTES) {
                    throw new SaslAuthenticationException("Authentication failed: the PLAIN token is too long");
                }
                String[] parts = new String(token, StandardCharsets.UTF_8).split("\u0000", -1);
                if (parts.length != 3) {
                    throw new SaslAuthenticationException(
                            "Invalid SASL/PLAIN response: expected 3 tokens, got " + parts.length);
                }
                String authorizationId = parts[0];
                String username = parts[1];
                if (username.isEmpty()) {
                    throw new SaslAuthenticationException("Authentication failed: username not specified");
                }
                if (parts[2].isEmpty()) {
                    throw new SaslAuthenticationException("Authentication failed: password not specified");
                }
                String expected = passwords.get(username);
                if (expected == null
                        || !MessageDigest.isEqual(
                                expected.getBytes(StandardCharsets.UTF_8), parts[2].getBytes(StandardCharsets.UTF_8))) {
                    throw new SaslAuthenticationException("Authentication failed: Invalid username or password");
                }
                if (!authorizationId.isEmpty() && !authorizationId.equals(username)) {
                    throw new SaslAuthenticationException(
                            "Authentication failed: Client requested an authorization id that is different from"
                                    + " username");
                }
                user = username;
                return new byte[0];
            }

            @Override
            public boolean isComplete() {
                return user != null;
            }

            @Override
            public String authenticatedUser() {
                return user;
            }
        };
    }
}
