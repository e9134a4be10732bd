package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fjord, launched as its own JVM exactly as a user starts it: {@code io.fjord.cli.Fjord start --override
 * listeners=PLAINTEXT://127.0.0.1:PORT --override log.dirs=DIR} on the cli module's runtime classpath, with Fjord's
 * defaults (the `server` JVM options of config/jvm.options, as bin/fjord start uses, unless FJORD_JAVA_OPTS is set),
 * bin/fjord's class-data sharing archive (recorded by the first broker launched, used by the next ones) and its
 * java.library.path for Netty's native library.
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
        return ChildJvm.command(withNativeLibraries(withClassDataSharing(jvmOptions)), classpath(), MAIN_CLASS, args);
    }

    /**
     * Three {@code fjord start} processes configured as {@code fjord cluster up} configures its nodes
     * (ClusterUpCommand: node.id, process.roles=broker,controller, one controller.quorum.voters list, a PLAINTEXT and
     * a CONTROLLER listener, offsets.topic.replication.factor=1), each with its own data directory. They map the
     * class-data sharing archive when the single-node runs recorded one, and never record it (three JVMs would race
     * on the file).
     */
    @Override
    public List<List<String>> prepareCluster(Path runDir, int[] ports, int[] controllerPorts, Path logDir)
            throws IOException {
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllerPorts[i]);
        }
        List<String> options = new ArrayList<>(withNativeLibraries(jvmOptions));
        Path archive = archive();
        if (Files.isRegularFile(archive) && !newerJarThan(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
            options.add("-Xlog:cds=off");
        }
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            Path dataDir = runDir.resolve("node-" + (i + 1));
            Files.createDirectories(dataDir);
            List<String> args = new ArrayList<>(List.of("start"));
            for (String setting : List.of(
                    "node.id=" + (i + 1),
                    "process.roles=broker,controller",
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://127.0.0.1:" + ports[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i],
                    "controller.listener.names=CONTROLLER",
                    "log.dirs=" + dataDir.toAbsolutePath(),
                    "offsets.topic.replication.factor=1")) {
                args.add("--override");
                args.add(setting);
            }
            commands.add(ChildJvm.command(options, classpath(), MAIN_CLASS, args));
        }
        return commands;
    }

    /**
     * Adds what bin/fjord adds to {@code fjord start}: class-data sharing through a dynamic archive (JDK 17 has no
     * auto-archive). The first broker launched records the classes it loaded when it exits; later launches map the
     * archive. The archive lives next to the classpath file and is recorded again when a Fjord jar of the classpath
     * is newer than it (the JVM also refuses an archive whose classpath changed, and then runs without one).
     * Nothing is added when the options already choose an archive or {@code FJORD_CDS=0}.
     */
    private List<String> withClassDataSharing(List<String> options) throws IOException {
        if (!archiving(options)) {
            return options;
        }
        Path archive = archive();
        List<String> withCds = new ArrayList<>(options);
        if (Files.isRegularFile(archive) && !newerJarThan(archive)) {
            withCds.add("-XX:SharedArchiveFile=" + archive);
        } else {
            Files.deleteIfExists(archive);
            withCds.add("-XX:ArchiveClassesAtExit=" + archive);
        }
        withCds.add("-Xlog:cds=off");
        withCds.add("-Xlog:cds+dynamic=off");
        return withCds;
    }

    /**
     * Adds what bin/fjord adds (through LD_LIBRARY_PATH): Netty's native library from the directory the cli build
     * unpacks it to (next to the cli jar, {@code cli/target/native}) ahead of this JVM's own library path, so the
     * broker does not copy it out of its jar at every start. Nothing is added when the directory is missing or the
     * options set the path.
     */
    private List<String> withNativeLibraries(List<String> options) throws IOException {
        Path cliJar = Path.of(classpath().split(java.io.File.pathSeparator)[0]).toAbsolutePath();
        Path nativeDir = cliJar.resolveSibling("native");
        if (!Files.isDirectory(nativeDir) || options.stream().anyMatch(o -> o.startsWith("-Djava.library.path="))) {
            return options;
        }
        List<String> withNative = new ArrayList<>(options);
        withNative.add("-Djava.library.path=" + nativeDir + java.io.File.pathSeparator
                + System.getProperty("java.library.path"));
        return withNative;
    }

    /** True when the next launch records the archive instead of mapping it. */
    @Override
    public boolean nextStartIsFirst() throws IOException {
        Path archive = archive();
        return archiving(jvmOptions) && (!Files.isRegularFile(archive) || newerJarThan(archive));
    }

    private static boolean archiving(List<String> options) {
        return !"0".equals(System.getenv("FJORD_CDS"))
                && options.stream().noneMatch(o -> o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAt"));
    }

    private Path archive() {
        return classpathFile.toAbsolutePath().resolveSibling("fjord-server.jsa");
    }

    private boolean newerJarThan(Path archive) throws IOException {
        long archiveMs = Files.getLastModifiedTime(archive).toMillis();
        for (String entry : classpath().split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(path)) {
                continue;
            }
            if (path.getFileName().toString().startsWith("fjord-")
                    && Files.getLastModifiedTime(path).toMillis() > archiveMs) {
                return true;
            }
        }
        return false;
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
