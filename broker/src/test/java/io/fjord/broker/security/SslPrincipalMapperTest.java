package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kafka's ssl.principal.mapping.rules, with the cases of Kafka's own SslPrincipalMapperTest. */
class SslPrincipalMapperTest {

    @Test
    void defaultKeepsTheDistinguishedName() {
        assertThat(SslPrincipalMapper.parse("DEFAULT").name("CN=alice,OU=eng")).isEqualTo("CN=alice,OU=eng");
        assertThat(SslPrincipalMapper.DEFAULT.name("CN=alice")).isEqualTo("CN=alice");
    }

    @Test
    void rulesReplaceCaseAndFallThroughInOrder() {
        SslPrincipalMapper mapper = SslPrincipalMapper.parse("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,"
                + " RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,"
                + "RULE:^cn=(.*?),ou=(.*?),dc=(.*?),dc=(.*?)$/$1@$2/U,"
                + "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U, DEFAULT");
        assertThat(mapper.name("CN=kafka1,OU=ServiceUsers,O=Org,C=US")).isEqualTo("kafka1");
        assertThat(mapper.name("CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Cupertino,ST=California,C=US"))
                .isEqualTo("duke@javasoft");
        assertThat(mapper.name("cn=duke,ou=javasoft,dc=com,dc=sun")).isEqualTo("DUKE@JAVASOFT");
        assertThat(mapper.name("OU=JavaSoft,O=Sun Microsystems,C=US")).isEqualTo("OU=JavaSoft,O=Sun Microsystems,C=US");
    }

    @Test
    void aGroupThePatternDoesNotHaveIsLiteralText() {
        assertThat(SslPrincipalMapper.parse("RULE:^CN=(.*)$/$1$2/").name("CN=a"))
                .isEqualTo("a$2");
    }

    @Test
    void aNameNoRuleAppliesToHasNoPrincipal() {
        assertThat(SslPrincipalMapper.parse("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/")
                        .name("CN=x,OU=Other"))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DEFAULT/L",
                "DEFAULT/U",
                "RULE:CN=(.*?),OU=ServiceUsers.*/$1",
                "rule:CN=(.*?),OU=ServiceUsers.*/$1/",
                "RULE:CN=(.*?),OU=ServiceUsers.*/$1/L/U",
                "RULE:CN=(.*?),OU=ServiceUsers.*/L",
                "RULE:CN=(.*?),OU=ServiceUsers.*/U",
                "RULE:CN=(.*?),OU=ServiceUsers.*/LU",
                "RULE:CN=((,OU=ServiceUsers.*/$1/"
            })
    void refusesWhatKafkaRefuses(String rules) {
        assertThatThrownBy(() -> SslPrincipalMapper.parse(rules))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid rule");
    }
}
