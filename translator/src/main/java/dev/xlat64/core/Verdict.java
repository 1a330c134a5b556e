package dev.xlat64.core;

/**
 * What a step of the packet path decided (Jool's verdicts, RFC 7915 core.c): go on with the next step, or stop here
 * with the outcome recorded in the {@link PacketContext}. For a mechanism, CONTINUE also means "not mine: let the next
 * mechanism see the packet".
 */
public enum Verdict
{
    CONTINUE, DONE
}
