package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fjord, launched as its own JVM exactly as a user starts it: {@code io.fjord.cli.Fjord start --override
 * listeners=PLAINTEXT://127.0.0.1:PORT --override log.dirs=DIR} on the cli module's runtime classpath, with Fjord's
 * defaults (no JVM options unless FJORD_JAVA_OPTS is set).
 *
 * <p>Used from the harness's main thread only.
 */
public final class FjordSystem implements BrokerSystem {

    static final String MAIN_CLASS = "io.fjord.cli.Fjord";

    private final Path classpathFile;
    private final List<String> jvmOptions;

    /** {@code classpathFile} holds the cli module's runtime classpath (written by bench/run). */
    public FjordSystem(Path classpathFile, List<String> jvmOptions) {
        this.classpathFile = classpathFile;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public String id() {
        return "fjord";
    }

    @Override
    public String displayName() {
        return "Fjord";
    }

    @Override
    public String unavailableReason() {
        if (classpathFile == null || !Files.isRegularFile(classpathFile)) {
            return "no Fjord classpath file " + classpathFile + " (bench/run writes it when fjord is selected)";
        }
        try {
            String classFile = MAIN_CLASS.replace('.', '/') + ".class";
            for (String entry : classpath().split(java.io.File.pathSeparator)) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(classFile))) {
                    return null;
                }
                if (Files.isRegularFile(path) && entry.endsWith(".jar") && jarHas(path, classFile)) {
                    return null;
                }
            }
        } catch (IOException e) {
            return "cannot read " + classpathFile + ": " + e.getMessage();
        }
        return MAIN_CLASS + " is not built yet (not on the cli module's classpath)";
    }

    @Override
    public List<String> prepare(Path runDir, int port, Path logDir) throws IOException {
        Path dataDir = runDir.resolve("data");
        Files.createDirectories(dataDir);
        List<String> args = new ArrayList<>(List.of(
                "start",
                "--override",
                "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override",
                "log.dirs=" + dataDir.toAbsolutePath()));
        return ChildJvm.command(jvmOptions, classpath(), MAIN_CLASS, args);
    }

    private String classpath() throws IOException {
        return Files.readString(classpathFile).strip();
    }

    private static boolean jarHas(Path jar, String entry) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(entry) != null;
        }
    }
}
