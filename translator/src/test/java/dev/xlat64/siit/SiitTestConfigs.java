package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.TranslatorConfig;

import java.util.List;

/** Configs shared by the RFC 7915 tests: a network-specific /96 prefix and one EAM entry. */
final class SiitTestConfigs
{
    static final String PREFIX = "2001:db8:64::/96";

    private SiitTestConfigs()
    {
    }

    static TranslatorConfig standard()
    {
        return builder().build();
    }

    static TranslatorConfig.Builder builder()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse(PREFIX),
            new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"))), true));
    }

    static TranslatorConfig with(final TranslatorConfig.UdpZeroChecksum udp, final boolean copyTos)
    {
        return builder().udpZeroChecksum(udp).copyTos(copyTos).build();
    }

    static TranslatorConfig wellKnown()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY, true))
            .build();
    }
}
