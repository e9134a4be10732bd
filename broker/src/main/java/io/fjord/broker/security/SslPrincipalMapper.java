package io.fjord.broker.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kafka's {@code ssl.principal.mapping.rules}: how a TLS client's distinguished name (RFC 2253, as the JDK prints it)
 * becomes the name in its principal {@code User:<name>}. The rules are tried in order, separated by commas: {@code
 * DEFAULT} keeps the whole name; {@code RULE:pattern/replacement/} applies when the regular expression matches the
 * whole name and replaces it ({@code $1} and so on name the pattern's groups), optionally followed by {@code L} or
 * {@code U} for lower or upper case. A name no rule applies to has no principal: its connection is closed, as Kafka
 * closes it. The same syntax and behaviour as Kafka's {@code SslPrincipalMapper}. Immutable; safe from any thread.
 */
public final class SslPrincipalMapper {

    private static final String RULE = "(DEFAULT)|RULE:((\\\\.|[^\\\\/])*)/((\\\\.|[^\\\\/])*)/([LU]?).*?|(.*?)";
    private static final Pattern SPLITTER = Pattern.compile("\\s*(" + RULE + ")\\s*(,\\s*|$)");
    private static final Pattern PARSER = Pattern.compile(RULE);
    private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$(\\d)");

    /** Kafka's default: the whole distinguished name. Declared after the patterns it is parsed with. */
    public static final SslPrincipalMapper DEFAULT = parse("DEFAULT");

    private final List<Rule> rules;

    private SslPrincipalMapper(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules in {@code text}; an invalid one raises IllegalArgumentException with Kafka's message. */
    public static SslPrincipalMapper parse(String text) {
        List<Rule> rules = new ArrayList<>();
        Matcher split = SPLITTER.matcher(text.trim());
        while (split.find()) {
            String rule = split.group(1);
            Matcher m = PARSER.matcher(rule);
            if (!m.lookingAt()) {
                throw new IllegalArgumentException("Invalid rule: " + rule);
            }
            if (rule.length() != m.end()) {
                throw new IllegalArgumentException(
                        "Invalid rule: `" + rule + "`, unmatched substring: `" + rule.substring(m.end()) + "`");
            }
            if (m.group(1) != null) {
                rules.add(Rule.KEEP);
            } else if (m.group(2) != null) {
                rules.add(Rule.of(m.group(2), m.group(4), m.group(6)));
            } // an empty rule is ignored
        }
        return new SslPrincipalMapper(rules);
    }

    /** The principal name for {@code distinguishedName}, or null when no rule applies. */
    public String name(String distinguishedName) {
        for (Rule rule : rules) {
            String name = rule.apply(distinguishedName);
            if (name != null) {
                return name;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return rules.toString();
    }

    /** One rule: keep the name ({@code pattern} null), or replace what the pattern matches. */
    private record Rule(Pattern pattern, String replacement, String textCase) {

        static final Rule KEEP = new Rule(null, null, "");

        static Rule of(String pattern, String replacement, String textCase) {
            Pattern compiled;
            try {
                compiled = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Invalid rule pattern `" + pattern + "`: " + e.getDescription());
            }
            return new Rule(compiled, literalMissingGroups(replacement, compiled), textCase);
        }

        /**
         * As Kafka: a {@code $n} whose group the pattern does not have is the literal text {@code $n}. Java reads
         * {@code $12} as group 12 only when the pattern has that many groups, so only the first digit needs checking.
         */
        private static String literalMissingGroups(String replacement, Pattern pattern) {
            int groups = pattern.matcher("").groupCount();
            Matcher m = GROUP_REFERENCE.matcher(replacement);
            StringBuilder out = new StringBuilder();
            int last = 0;
            while (m.find()) {
                int group = m.group(1).charAt(0) - '0';
                out.append(replacement, last, m.start());
                out.append(group > groups ? "\\$" : "$").append(m.group(1));
                last = m.end();
            }
            return out.append(replacement.substring(last)).toString();
        }

        String apply(String distinguishedName) {
            if (pattern == null) {
                return distinguishedName;
            }
            Matcher m = pattern.matcher(distinguishedName);
            if (!m.matches()) {
                return null;
            }
            String name = m.replaceAll(replacement);
            return switch (textCase) {
                case "L" -> name.toLowerCase(Locale.ENGLISH);
                case "U" -> name.toUpperCase(Locale.ENGLISH);
                default -> name;
            };
        }

        @Override
        public String toString() {
            return pattern == null ? "DEFAULT" : "RULE:" + pattern + "/" + replacement + "/" + textCase;
        }
    }
}
