package dev.xlat64.dns64;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Records for tests, written as text. */
final class TestRecords
{
    private TestRecords()
    {
    }

    static Name n(final String name)
    {
        return LocalAnswers.name(name);
    }

    static ARecord a(final String name, final long ttl, final String ipv4)
    {
        try
        {
            return new ARecord(n(name), DClass.IN, ttl, InetAddress.getByName(ipv4));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    static AAAARecord aaaa(final String name, final long ttl, final String ipv6)
    {
        try
        {
            return new AAAARecord(n(name), DClass.IN, ttl,
                Inet6Address.getByAddress(null, dev.xlat64.addr.Addresses.parse6(ipv6), -1));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    static CNAMERecord cname(final String name, final long ttl, final String target)
    {
        return new CNAMERecord(n(name), DClass.IN, ttl, n(target));
    }

    static SOARecord soa(final String zone, final long ttl, final long minimum)
    {
        return new SOARecord(n(zone), DClass.IN, ttl, n("ns." + zone), n("admin." + zone), 1, 3600, 600, 86400,
            minimum);
    }

    static Message withAuthority(final Message m, final Record... records)
    {
        for (final Record r : records)
        {
            m.addRecord(r, Section.AUTHORITY);
        }
        return m;
    }

    static Message query(final String name, final int type)
    {
        return Message.newQuery(Record.newRecord(n(name), type, DClass.IN));
    }

    /** The AAAA addresses of the answer section, as text, in order. */
    static List<String> aaaas(final Message m)
    {
        final List<String> out = new ArrayList<>();
        for (final Record r : m.getSection(Section.ANSWER))
        {
            if (r.getType() == Type.AAAA)
            {
                out.add(dev.xlat64.addr.Addresses.format6(r.rdataToWireCanonical()));
            }
        }
        return out;
    }
}
