package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;

import java.util.List;

/** Configs shared by the RFC 7915 tests: a network-specific /96 prefix and one EAM entry. */
final class SiitTestConfigs
{
    static final String PREFIX = "2001:db8:64::/96";

    private SiitTestConfigs()
    {
    }

    static SiitConfig standard()
    {
        return builder().build();
    }

    static SiitConfig.Builder builder()
    {
        return SiitConfig.builder(new AddressMapper(Rfc6052Prefix.parse(PREFIX),
            new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"))), true));
    }

    static SiitConfig with(final SiitConfig.UdpZeroChecksum udp, final boolean copyTos)
    {
        return builder().udpZeroChecksum(udp).copyTos(copyTos).build();
    }

    static SiitConfig wellKnown()
    {
        return SiitConfig.builder(new AddressMapper(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY, true)).build();
    }
}
