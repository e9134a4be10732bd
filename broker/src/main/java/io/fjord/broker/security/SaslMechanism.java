package io.fjord.broker.security;

/** A SASL mechanism a listener offers, e.g. PLAIN or SCRAM-SHA-256. Thread-safe. */
public interface SaslMechanism {

    /** The mechanism's name as clients ask for it in SaslHandshake, e.g. {@code SCRAM-SHA-256}. */
    String name();

    /** A fresh exchange for one connection's authentication. */
    SaslExchange newExchange();
}
