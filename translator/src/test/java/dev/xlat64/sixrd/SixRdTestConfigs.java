package dev.xlat64.sixrd;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.TranslatorConfig;

import java.util.List;

/** Engine configs with 6rd domains only (no SIIT mapping), as the 6rd tests use them. */
final class SixRdTestConfigs
{
    private SixRdTestConfigs()
    {
    }

    static TranslatorConfig of(final SixRdDomain... domains)
    {
        return TranslatorConfig.builder(new AddressMapper(null, Eamt.EMPTY,
            true)).sixRdDomains(List.of(domains)).build();
    }

    /** The VPP test's domain: 2002::/16, IPv4MaskLen 0, BR 172.16.1.1, MTU 1480. */
    static SixRdDomain vpp()
    {
        return SixRdDomain.builder("2002::/16", "0.0.0.0/0", "172.16.1.1").build();
    }
}
