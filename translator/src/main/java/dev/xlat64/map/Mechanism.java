package dev.xlat64.map;

/** The three A+P mechanisms: which mapping, which transform, and what the CE's interface ID carries. */
public enum Mechanism
{
    /** RFC 7597: MAP rules + IPv4-in-IPv6 (RFC 2473). */
    MAP_E("map-e"),
    /** RFC 7599: MAP rules + RFC 7915 translation, the DMR (RFC 6052) for outside IPv4 addresses. */
    MAP_T("map-t"),
    /** RFC 7596: a per-subscriber binding table + IPv4-in-IPv6. */
    LW4O6("lw4o6");

    public final String id;

    Mechanism(final String id)
    {
        this.id = id;
    }

    /**
     * Whether the interface ID carries the packet's full IPv4 address rather than the CE's zero-padded IPv4 prefix
     * (RFC 7597 s.6). A translating node must recover each packet's IPv4 address from its IPv6 address, so MAP-T puts
     * the full address there (the correction reported against RFC 7599 s.6; see docs/map.md).
     */
    public boolean fullIpv4InInterfaceId()
    {
        return this == MAP_T;
    }
}
