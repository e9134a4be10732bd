package io.fjord.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ProtocolParseException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random bodies for every request the broker can parse, at every version: parsing either succeeds
 * or fails with {@link ProtocolParseException} (which the connection turns into a close). Anything else
 * is a parser bug. Prints its seed; rerun with {@code -Dfjord.seed=N}.
 */
class RequestParsingFuzzTest {

    @Test
    void randomBodiesFailOnlyWithProtocolParseException() {
        long seed = Long.getLong("fjord.seed", new Random().nextLong());
        System.out.println("RequestParsingFuzzTest seed=" + seed);
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (ApiKeys key : ApiKeys.values()) {
            for (short version = key.lowestVersion(); version <= key.highestVersion(); version++) {
                for (int i = 0; i < 300; i++) {
                    byte[] body = new byte[random.nextInt(i < 150 ? 16 : 256)];
                    random.nextBytes(body);
                    if (i % 3 == 0 && body.length > 0) {
                        body[0] = (byte) random.nextInt(4); // small counts and lengths get further in
                    }
                    ApiMessage message = key.newRequest();
                    try {
                        message.read(new ByteBufferReadable(ByteBuffer.wrap(body)), version);
                    } catch (ProtocolParseException e) {
                        // expected
                    } catch (RuntimeException | OutOfMemoryError e) {
                        if (failures.size() < 20) {
                            failures.add(key + " v" + version + ": " + e);
                        }
                    }
                }
            }
        }
        assertThat(failures).as("seed %d", seed).isEmpty();
    }
}
