package dev.xlat64.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * Installs a handler for a POSIX signal (HUP reloads, TERM/INT stop): the one place xlat64 uses
 * {@code sun.misc.Signal}.
 *
 * <p>The JDK has no public signal API; {@code sun.misc.Signal} lives in the exported module {@code jdk.unsupported},
 * kept by JEP 260 until a replacement exists. javac flags every compile-time reference to it with a mandatory
 * "internal proprietary API" warning that {@code @SuppressWarnings} cannot silence, which would break the build's
 * {@code -Werror} (pom.xml). So the class is looked up by name here, in one small class, and a missing class fails
 * loudly at the first call with this explanation instead of silently doing nothing.
 */
public final class Signals
{
    private static final String SIGNAL = "sun.misc.Signal";
    private static final String HANDLER = "sun.misc.SignalHandler";

    private Signals()
    {
    }

    /**
     * Calls {@code action} (on the JVM's signal thread) each time the process receives signal {@code name}.
     *
     * @param name the signal name without "SIG", e.g. "HUP", "TERM", "INT"
     * @param action what to do; keep it short, it runs on the JVM's signal dispatch thread
     * @throws IllegalStateException if this JVM has no {@code sun.misc.Signal} (module jdk.unsupported missing)
     * @throws IllegalArgumentException if the JVM does not know or will not hand out the signal
     */
    public static void handle(final String name, final Runnable action)
    {
        try
        {
            final ClassLoader loader = ClassLoader.getPlatformClassLoader();
            final Class<?> signalClass = Class.forName(SIGNAL, true, loader);
            final Class<?> handlerClass = Class.forName(HANDLER, true, loader);
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            final MethodHandle create = lookup.findConstructor(signalClass,
                MethodType.methodType(void.class, String.class));
            final MethodHandle install = lookup.findStatic(signalClass, "handle",
                MethodType.methodType(handlerClass, signalClass, handlerClass));
            final InvocationHandler onSignal = (proxy, method, args) ->
            {
                if ("handle".equals(method.getName()))
                {
                    action.run();
                    return null;
                }
                return switch (method.getName())
                {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "Signals.handler(" + name + ")";
                };
            };
            final Object handler = Proxy.newProxyInstance(loader, new Class<?>[] {handlerClass}, onSignal);
            install.invoke(create.invoke(name), handler);
        }
        catch (final ClassNotFoundException | NoSuchMethodException | IllegalAccessException e)
        {
            throw new IllegalStateException("cannot install a SIG" + name + " handler: this JVM lacks " + SIGNAL +
                " (module jdk.unsupported)", e);
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalStateException("cannot install a SIG" + name + " handler", e);
        }
    }
}
