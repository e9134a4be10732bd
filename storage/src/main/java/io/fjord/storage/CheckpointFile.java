package io.fjord.storage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text checkpoint in Kafka's format: a version line, a count line, then one entry per line with
 * space-separated fields. Written to a temporary file, fsynced and renamed over the old one, so a crash
 * leaves either the old or the new content.
 *
 * <pre>
 * | line  | content                                  |
 * |-------|------------------------------------------|
 * | 1     | version (0)                              |
 * | 2     | number of entries n                      |
 * | 3..   | n entries, e.g. "topic partition offset" |
 * </pre>
 *
 * <p>Thread-safe: writes and reads of one file are serialized on this object.
 */
final class CheckpointFile {

    static final int VERSION = 0;

    private final Path file;

    CheckpointFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Replaces the file with {@code entries}, each a line of space-separated fields, fsynced. */
    void write(List<String> entries) {
        write(entries, true);
    }

    /**
     * Replaces the file with {@code entries}. Without {@code sync} the rename is still atomic, but a crash
     * may leave an empty or old file: only for checkpoints that recovery can rebuild.
     */
    synchronized void write(List<String> entries, boolean sync) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(Integer.toString(VERSION));
                w.newLine();
                w.write(Integer.toString(entries.size()));
                w.newLine();
                for (String line : entries) {
                    w.write(line);
                    w.newLine();
                }
            }
            if (sync) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /**
     * The entries, each split into fields; empty if the file does not exist. A malformed file (bad
     * version, count not matching the lines) throws {@link IOException} wrapped as unchecked.
     */
    synchronized List<String[]> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(0).trim().equals(Integer.toString(VERSION))) {
                throw new IOException("unknown checkpoint format in " + file);
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (count < 0 || count != lines.size() - 2) {
                throw new IOException(
                        "checkpoint " + file + " declares " + count + " entries but has " + (lines.size() - 2));
            }
            List<String[]> entries = new ArrayList<>(count);
            for (int i = 2; i < lines.size(); i++) {
                entries.add(lines.get(i).trim().split(" "));
            }
            return entries;
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException("malformed checkpoint " + file, e));
        }
    }
}
