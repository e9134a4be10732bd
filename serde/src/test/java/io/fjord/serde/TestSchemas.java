package io.fjord.serde;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the schema files under src/test/resources/schemas. */
public final class TestSchemas {
    private TestSchemas() {}

    public static Path path(String name) {
        try {
            return Path.of(TestSchemas.class.getResource("/schemas/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String file(String name) {
        return path(name).toString();
    }
}
