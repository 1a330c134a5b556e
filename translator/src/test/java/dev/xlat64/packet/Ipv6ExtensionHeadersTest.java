package dev.xlat64.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8200 s.4: the extension-header walk shared by the 6->4 translation and the ICMPv6 error originator. */
class Ipv6ExtensionHeadersTest
{
    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();

    @Test
    void walksHopByHopRoutingAndFragmentToTheUpperLayer()
    {
        // Hop-by-hop (8 bytes) -> routing (24 bytes, segments left 2) -> fragment (offset 0) -> UDP.
        final byte[] b = new byte[8 + 24 + 8 + 8];
        b[0] = 43;
        b[8] = 44;
        b[9] = 2;
        b[11] = 2;
        b[32] = 17;
        final UnsafeBuffer buffer = new UnsafeBuffer(b);
        assertTrue(chain.walk(buffer, 0, 0, b.length));
        assertEquals(17, chain.upperLayerProtocol());
        assertEquals(40, chain.upperLayerOffset());
        assertEquals(32, chain.fragmentHeaderOffset());
        assertEquals(8, chain.routingHeaderOffset());
        assertEquals(11, Ipv6ExtensionHeaders.segmentsLeftField(chain.routingHeaderOffset()));
    }

    @Test
    void routingHeaderWithoutSegmentsLeftIsNotRecorded()
    {
        final byte[] b = new byte[8 + 8];
        b[0] = 6;
        final UnsafeBuffer buffer = new UnsafeBuffer(b);
        assertTrue(chain.walk(buffer, 0, 43, b.length));
        assertEquals(6, chain.upperLayerProtocol());
        assertEquals(8, chain.upperLayerOffset());
        assertEquals(-1, chain.routingHeaderOffset());
        assertEquals(-1, chain.fragmentHeaderOffset());
    }

    @Test
    void aChainRunningPastTheEndIsRefused()
    {
        final byte[] b = new byte[16];
        b[0] = 6;
        b[1] = 2; // 24 bytes announced, 16 there
        assertFalse(chain.walk(new UnsafeBuffer(b), 0, 60, b.length));
        assertFalse(chain.walk(new UnsafeBuffer(b), 0, 0, 4));
    }

    @Test
    void anUpperLayerProtocolEndsTheWalkAtOnce()
    {
        assertTrue(chain.walk(new UnsafeBuffer(new byte[0]), 0, 58, 0));
        assertEquals(58, chain.upperLayerProtocol());
        assertEquals(0, chain.upperLayerOffset());
    }
    @Test
    void exactlyTheIanaIpv6ExtensionHeadersAreNeverAnIpv4Protocol()
    {
        // RFC 7045 s.4 / IANA: Hop-by-Hop 0, Routing 43, Fragment 44, Destination Options 60, Mobility 135, HIP 139,
        // Shim6 140 (AH 51 and ESP 50 exist in IPv4 too; 253/254 are experiments, not translated specially).
        final Set<Integer> ipv6Only = Set.of(0, 43, 44, 60, 135, 139, 140);
        for (int nextHeader = 0; nextHeader < 256; nextHeader++)
        {
            assertEquals(ipv6Only.contains(nextHeader), Ipv6ExtensionHeaders.isIpv6ExtensionHeader(nextHeader),
                "next header " + nextHeader);
        }
    }

    @Test
    void theWalkSkipsOnlyHopByHopRoutingFragmentAndDestinationOptions()
    {
        // A first header of every number, followed by 8 bytes of zeros (an extension header of length 8 naming
        // Hop-by-Hop 0 next, which then runs past the end): only the four skippable ones are walked into.
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        for (int nextHeader = 0; nextHeader < 256; nextHeader++)
        {
            final boolean skippable = nextHeader == 0 || nextHeader == 43 || nextHeader == 44 || nextHeader == 60;
            assertEquals(!skippable, chain.walk(buffer, 0, nextHeader, 8), "next header " + nextHeader);
            if (!skippable)
            {
                assertEquals(nextHeader, chain.upperLayerProtocol());
                assertEquals(0, chain.upperLayerOffset());
            }
        }
    }
}
