package io.fjord.protocol.generator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The build-time entry point: reads every {@code common/message/*.json} spec from the kafka-clients jar,
 * keeps the request/response pairs whose request lists the "broker" listener plus the request and
 * response headers, and writes one Java source per message and the {@code ApiKeys} enum.
 *
 * <p>Usage: {@code ProtocolGenerator <kafka-clients.jar> <output source root>}.
 */
public final class ProtocolGenerator {
    private static final String SPEC_PREFIX = "common/message/";

    private ProtocolGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ProtocolGenerator <kafka-clients.jar> <output dir>");
        }
        int written = generate(readSpecs(Path.of(args[0])), Path.of(args[1]));
        System.out.println("Fjord protocol generator: wrote " + written + " sources to " + args[1]);
    }

    /** Every spec in the jar, by name. */
    public static Map<String, MessageSpec> readSpecs(Path jar) throws IOException {
        SpecParser parser = new SpecParser();
        Map<String, MessageSpec> specs = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.getName().startsWith(SPEC_PREFIX) && e.getName().endsWith(".json")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        MessageSpec spec = parser.parse(in);
                        specs.put(spec.name(), spec);
                    } catch (RuntimeException ex) {
                        throw new IllegalArgumentException("Cannot parse " + e.getName() + ": " + ex.getMessage(), ex);
                    }
                }
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("No message specs under " + SPEC_PREFIX + " in " + jar);
        }
        return specs;
    }

    /** The broker's APIs, ordered by key. */
    public static List<ApiKeysGenerator.Api> brokerApis(Map<String, MessageSpec> specs) {
        List<ApiKeysGenerator.Api> apis = new ArrayList<>();
        for (MessageSpec spec : specs.values()) {
            if ("request".equals(spec.type()) && spec.listeners().contains("broker")) {
                String responseName = spec.name().replaceAll("Request$", "Response");
                MessageSpec response = specs.get(responseName);
                if (response == null) {
                    throw new IllegalArgumentException("No response spec for " + spec.name());
                }
                apis.add(new ApiKeysGenerator.Api(spec, response));
            }
        }
        apis.sort(Comparator.comparingInt(a -> a.request().apiKey()));
        return apis;
    }

    public static int generate(Map<String, MessageSpec> specs, Path outputRoot) throws IOException {
        List<ApiKeysGenerator.Api> apis = brokerApis(specs);
        List<MessageSpec> messages = new ArrayList<>();
        messages.add(specs.get("RequestHeader"));
        messages.add(specs.get("ResponseHeader"));
        for (ApiKeysGenerator.Api api : apis) {
            messages.add(api.request());
            messages.add(api.response());
        }
        Path messageDir = outputRoot.resolve(MessageGenerator.PACKAGE.replace('.', '/'));
        Files.createDirectories(messageDir);
        int count = 0;
        for (MessageSpec spec : messages) {
            String source;
            try {
                source = new MessageGenerator(spec).generate();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Cannot generate " + spec.name() + ": " + e.getMessage(), e);
            }
            writeIfChanged(messageDir.resolve(spec.name() + ".java"), source);
            count++;
        }
        Path runtimeDir = outputRoot.resolve("io/fjord/protocol");
        Files.createDirectories(runtimeDir);
        writeIfChanged(runtimeDir.resolve("ApiKeys.java"), ApiKeysGenerator.generate(apis));
        return count + 1;
    }

    /** Leaves an unchanged file alone so incremental compilation sees nothing new. */
    private static void writeIfChanged(Path path, String source) throws IOException {
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(path) && java.util.Arrays.equals(Files.readAllBytes(path), bytes)) {
            return;
        }
        Files.write(path, bytes);
    }
}
