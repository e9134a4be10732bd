package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's resident memory and CPU time from Linux's /proc.
 *
 * <table>
 *   <caption>Fields read</caption>
 *   <tr><th>file</th><th>field</th><th>meaning</th></tr>
 *   <tr><td>/proc/PID/status</td><td>VmRSS: N kB</td><td>resident set size</td></tr>
 *   <tr><td>/proc/PID/stat</td><td>14 (utime), 15 (stime), counted after the ")" that ends field 2</td>
 *       <td>CPU time in clock ticks (getconf CLK_TCK)</td></tr>
 *   <tr><td>/proc/self/stat</td><td>16 (cutime), 17 (cstime)</td>
 *       <td>CPU time of this JVM's children that have exited and been waited for</td></tr>
 *   <tr><td>/proc/stat</td><td>the "cpu" line</td><td>the whole machine's idle and busy time, all cores</td></tr>
 * </table>
 *
 * <p>Stateless; safe from any thread. Values are NaN where /proc is unreadable (the process is gone, not Linux).
 */
public final class ProcStats {

    private ProcStats() {}

    /** Resident set size in MiB, or NaN. */
    public static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** A process's CPU time in seconds: user (its own code) and system (the kernel working for it). */
    public record CpuTimes(double user, double system) {

        static final CpuTimes UNKNOWN = new CpuTimes(Double.NaN, Double.NaN);

        public double total() {
            return user + system;
        }

        /** The time spent between {@code before} and this reading. */
        public CpuTimes minus(CpuTimes before) {
            return new CpuTimes(user - before.user, system - before.system);
        }
    }

    /** User and system CPU time of {@code pid}, or NaNs. */
    public static CpuTimes cpuTimes(long pid, long clockTicksPerSecond) {
        return readStat(Long.toString(pid), 11, clockTicksPerSecond);
    }

    /**
     * User and system CPU time of this JVM's children that have exited and been waited for (Java's process reaper
     * waits for each), or NaNs. The difference across a {@link ChildJvm#run} is that tool's CPU time.
     */
    public static CpuTimes exitedChildrenCpuTimes(long clockTicksPerSecond) {
        return readStat("self", 13, clockTicksPerSecond);
    }

    private static CpuTimes readStat(String pid, int firstField, long clockTicksPerSecond) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            long[] ticks = parseTicks(stat, firstField);
            return new CpuTimes(ticks[0] / (double) clockTicksPerSecond, ticks[1] / (double) clockTicksPerSecond);
        } catch (IOException | RuntimeException e) {
            return CpuTimes.UNKNOWN;
        }
    }

    /**
     * Two adjacent tick counts of /proc/PID/stat, {@code index} counted from field 3 (state), past the command name
     * (which may hold spaces and parens): 11 for utime and stime (fields 14 and 15), 13 for cutime and cstime (16 and
     * 17).
     */
    static long[] parseTicks(String stat, int index) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return new long[] {Long.parseLong(fields[index]), Long.parseLong(fields[index + 1])};
    }

    /** Clock ticks of the whole machine, all cores: idle (idle and iowait) and all of them. */
    public record MachineTicks(long idle, long all) {

        static final MachineTicks UNKNOWN = new MachineTicks(-1, -1);

        /** Percent of the machine's time idle since {@code before}, or NaN. */
        public double idlePercentSince(MachineTicks before) {
            long elapsed = all - before.all;
            return before == UNKNOWN || this == UNKNOWN || elapsed <= 0
                    ? Double.NaN
                    : 100.0 * (idle - before.idle) / elapsed;
        }
    }

    /** The machine's ticks from /proc/stat, or {@link MachineTicks#UNKNOWN}. */
    public static MachineTicks machineTicks() {
        try {
            return parseMachineTicks(Files.readString(Path.of("/proc/stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return MachineTicks.UNKNOWN;
        }
    }

    /** The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal (guest time is within user). */
    static MachineTicks parseMachineTicks(String procStat) {
        String line = procStat.substring(0, procStat.indexOf('\n'));
        String[] fields = line.trim().split("\\s+");
        if (!fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line: " + line);
        }
        long all = 0;
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            all += Long.parseLong(fields[i]);
        }
        return new MachineTicks(Long.parseLong(fields[4]) + Long.parseLong(fields[5]), all);
    }

    /** The kernel's clock ticks per second from {@code getconf CLK_TCK}; 100 (Linux's USER_HZ) if that fails. */
    public static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
