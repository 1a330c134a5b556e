package dev.xlat64.map;

import dev.xlat64.addr.Ipv6Prefix;

import java.io.ByteArrayOutputStream;

/**
 * The provisioning options of the A+P mechanisms, byte for byte: the DHCPv6 Softwire46 options of RFC 7598 (2-byte
 * code and length) and RFC 7618's DHCPv4 OPTION_V4_PORTPARAMS (1-byte code and length), ready for a DHCP server.
 */
public final class DhcpOptions
{
    /** RFC 7598 s.10: the DHCPv6 option codes. */
    public static final int OPTION_S46_RULE = 89;
    public static final int OPTION_S46_BR = 90;
    public static final int OPTION_S46_DMR = 91;
    public static final int OPTION_S46_V4V6BIND = 92;
    public static final int OPTION_S46_PORTPARAMS = 93;
    public static final int OPTION_S46_CONT_MAPE = 94;
    public static final int OPTION_S46_CONT_MAPT = 95;
    public static final int OPTION_S46_CONT_LW = 96;
    /** RFC 7618 s.11: the DHCPv4 option code. */
    public static final int OPTION_V4_PORTPARAMS = 159;
    /** RFC 7598 s.4.1 figure 2: the F-flag, the last bit of the flags octet. */
    static final int F_FLAG = 0x01;

    private DhcpOptions()
    {
    }

    /** RFC 7598 s.4.1 figure 1: flags, ea-len, prefix4-len, ipv4-prefix, prefix6-len, ipv6-prefix, sub-options. */
    public static byte[] rule(final MapRule rule, final int mechanismDefaultOffset)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(rule.forwarding() ? F_FLAG : 0);
        body.write(rule.eaBits());
        body.write(rule.ipv4Prefix().length());
        writeInt(body, rule.ipv4Prefix().address());
        body.write(rule.ipv6Prefix().length());
        prefixBytes(body, rule.ipv6Prefix());
        // s.4.5: port parameters only where the rule cannot say it: an explicit PSID, or a non-default offset.
        if (rule.explicitPsid() != MapRule.NO_PSID)
        {
            body.writeBytes(portParams(rule.offset(), rule.psidLength(), rule.explicitPsid()));
        }
        else if (rule.psidLength() > 0 && rule.offset() != mechanismDefaultOffset)
        {
            body.writeBytes(portParams(rule.offset(), 0, 0));
        }
        return option(OPTION_S46_RULE, body.toByteArray());
    }

    /** RFC 7598 s.4.2 figure 3: the BR's IPv6 address. */
    public static byte[] br(final byte[] brIpv6)
    {
        if (brIpv6.length != 16)
        {
            throw new IllegalArgumentException("a BR IPv6 address has 16 bytes");
        }
        return option(OPTION_S46_BR, brIpv6);
    }

    /** RFC 7598 s.4.3 figure 4: dmr-prefix6-len, then the prefix in as many octets as it needs. */
    public static byte[] dmr(final Ipv6Prefix prefix)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(prefix.length());
        prefixBytes(body, prefix);
        return option(OPTION_S46_DMR, body.toByteArray());
    }

    /** RFC 7598 s.4.4 figure 5: ipv4-address, bindprefix6-len, bind-ipv6-prefix, then port parameters when shared. */
    public static byte[] v4v6Bind(final int ipv4, final Ipv6Prefix bindPrefix, final PortSet ports)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, ipv4);
        body.write(bindPrefix.length());
        prefixBytes(body, bindPrefix);
        if (ports != null && ports.psidLength() > 0)
        {
            body.writeBytes(portParams(ports.offset(), ports.psidLength(), ports.psid()));
        }
        return option(OPTION_S46_V4V6BIND, body.toByteArray());
    }

    /** RFC 7598 s.4.5 figure 6: offset, PSID-len, PSID left-aligned in 16 bits. */
    public static byte[] portParams(final int offset, final int psidLength, final int psid)
    {
        return option(OPTION_S46_PORTPARAMS, portParamsBody(offset, psidLength, psid));
    }

    /** RFC 7618 s.9 figure 1: code 159, length 4, then the same three fields as RFC 7598 s.4.5. */
    public static byte[] v4PortParams(final int offset, final int psidLength, final int psid)
    {
        final byte[] body = portParamsBody(offset, psidLength, psid);
        final byte[] out = new byte[2 + body.length];
        out[0] = (byte)OPTION_V4_PORTPARAMS;
        out[1] = (byte)body.length;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    private static byte[] portParamsBody(final int offset, final int psidLength, final int psid)
    {
        PortSet.check(offset, psidLength);
        if (psid < 0 || psid >= 1 << psidLength)
        {
            throw new IllegalArgumentException("PSID " + psid + " does not fit in " + psidLength + " bits");
        }
        final int aligned = psidLength == 0 ? 0 : psid << (16 - psidLength);
        return new byte[] {(byte)offset, (byte)psidLength, (byte)(aligned >>> 8), (byte)aligned};
    }

    /** RFC 7598 s.5: a container (94 MAP-E, 95 MAP-T, 96 lw4o6) around the concatenated options. */
    public static byte[] container(final int code, final byte[]... options)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (final byte[] o : options)
        {
            body.writeBytes(o);
        }
        return option(code, body.toByteArray());
    }

    /** A DHCPv6 option: 2-byte code, 2-byte length, body (RFC 8415 s.21.1). */
    static byte[] option(final int code, final byte[] body)
    {
        if (body.length > 0xffff)
        {
            throw new IllegalArgumentException("option " + code + " is longer than 65535 bytes");
        }
        final byte[] out = new byte[4 + body.length];
        out[0] = (byte)(code >>> 8);
        out[1] = (byte)code;
        out[2] = (byte)(body.length >>> 8);
        out[3] = (byte)body.length;
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    /** RFC 7598 s.4.1: a prefix in ceil(length / 8) octets, zero bits after the length. */
    private static void prefixBytes(final ByteArrayOutputStream out, final Ipv6Prefix prefix)
    {
        out.write(prefix.address(), 0, (prefix.length() + 7) / 8);
    }

    private static void writeInt(final ByteArrayOutputStream out, final int v)
    {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** Lower-case hex, as DHCP servers take option data. */
    public static String hex(final byte[] bytes)
    {
        final StringBuilder b = new StringBuilder(bytes.length * 2);
        for (final byte x : bytes)
        {
            b.append(Character.forDigit((x >>> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }
}
