package io.fjord.protocol.generator;

/**
 * An inclusive range of versions as the specs write it: {@code "none"}, {@code "3"}, {@code "3+"} or
 * {@code "3-7"}. {@link #NONE} is empty; an open range ends at {@link Short#MAX_VALUE}.
 */
public record Versions(short lowest, short highest) {
    public static final Versions NONE = new Versions((short) 1, (short) 0);
    public static final Versions ALL = new Versions((short) 0, Short.MAX_VALUE);

    public static Versions parse(String text, Versions defaultValue) {
        if (text == null) {
            return defaultValue;
        }
        String t = text.trim();
        if (t.equals("none")) {
            return NONE;
        }
        if (t.endsWith("+")) {
            return new Versions(Short.parseShort(t.substring(0, t.length() - 1)), Short.MAX_VALUE);
        }
        int dash = t.indexOf('-');
        if (dash > 0) {
            return new Versions(Short.parseShort(t.substring(0, dash)), Short.parseShort(t.substring(dash + 1)));
        }
        short v = Short.parseShort(t);
        return new Versions(v, v);
    }

    public boolean isEmpty() {
        return lowest > highest;
    }

    public boolean contains(short version) {
        return version >= lowest && version <= highest;
    }

    public boolean containsAll(Versions other) {
        return other.isEmpty() || (!isEmpty() && lowest <= other.lowest && highest >= other.highest);
    }

    public Versions intersect(Versions other) {
        short lo = (short) Math.max(lowest, other.lowest);
        short hi = (short) Math.min(highest, other.highest);
        return lo > hi ? NONE : new Versions(lo, hi);
    }

    /**
     * A Java boolean expression testing whether {@code var} lies in this range, simplified by knowing
     * that {@code var} always lies in {@code within}.
     */
    public String condition(String var, Versions within) {
        Versions effective = intersect(within);
        if (effective.isEmpty()) {
            return "false";
        }
        boolean checkLow = effective.lowest > within.lowest;
        boolean checkHigh = effective.highest < within.highest;
        if (checkLow && checkHigh) {
            return "(" + var + " >= " + effective.lowest + " && " + var + " <= " + effective.highest + ")";
        }
        if (checkLow) {
            return "(" + var + " >= " + effective.lowest + ")";
        }
        if (checkHigh) {
            return "(" + var + " <= " + effective.highest + ")";
        }
        return "true";
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (highest == Short.MAX_VALUE) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}
