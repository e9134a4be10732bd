package io.fjord.broker.security;

/**
 * How a broker logs in to another broker's SASL listener: the mechanism (PLAIN) and the credentials of the
 * inter-broker listener's JAAS entry. Immutable.
 */
public record SaslLogin(String mechanism, String username, String password) {

    @Override
    public String toString() {
        return "SaslLogin[" + mechanism + ", " + username + "]"; // never the password
    }
}
