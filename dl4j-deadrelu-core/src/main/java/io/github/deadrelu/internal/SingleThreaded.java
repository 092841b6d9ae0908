/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the monitor's own small ND4J ops on the calling thread only: libnd4j's thread counts
 * ({@code Environment.setMaxMasterThreads}/{@code setMaxThreads}) and OpenBLAS's ({@code blas().setMaxThreads}) are
 * set to 1 for the duration and restored after.
 *
 * <p>Why: at ND4J's default thread count on a small machine, the training step's OpenBLAS calls leave OpenBLAS's
 * worker threads spinning and libnd4j's OpenMP ops leave OpenMP's spinning; every switch between a BLAS call and an
 * OpenMP op then waits for a core the other pool holds (measured on 2 cores: one dense layer's count 100 us at one
 * thread, 240 us to several ms after a gemm at two). The listener's ops are memory-bound and small, so one thread
 * loses nothing and skips every such wait.
 *
 * <p>These settings are process-wide in ND4J 1.0.0-M2.1 (there is no per-op or per-thread count): while a monitor
 * counts, ND4J ops that OTHER threads start (ParallelWrapper workers, a second model) run single-threaded too. Their
 * results do not change beyond floating-point summation order; they may run slower for that window (tens to hundreds
 * of microseconds per step). Nested and concurrent sections are counted: the first in sets, the last out restores
 * the values the first saw. Nothing is changed when every count is already 1, or when the system property
 * {@code deadrelu.singleThreaded} is {@code false}.
 *
 * <p>OpenBLAS's count is set through a function pointer to {@code openblas_set_num_threads} resolved once
 * ({@link #blasSetter}): ND4J's {@code blas().setMaxThreads} goes through JavaCPP's {@code blas_set_num_threads},
 * which looks up four symbols by name ({@code dlsym}) and allocates a function pointer on every call: 0.36 to 0.75
 * ms per call right after a gemm at two threads on this project's 2-core machine, against about 11 us for the direct
 * call (a scratch probe, 200 calls each). Where the
 * pointer cannot be resolved (another BLAS, another JavaCPP), ND4J's setter is used.
 */
public final class SingleThreaded {

    private static final boolean ENABLED =
            !"false".equalsIgnoreCase(System.getProperty("deadrelu.singleThreaded", "true"));
    private static final Object LOCK = new Object();
    private static int depth;
    private static int savedMaster;
    private static int savedMax;
    private static int savedBlas;
    private static boolean changed;
    /** ND4J's own setter of the BLAS thread count (slow for OpenBLAS: see the class comment). */
    private static final IntConsumer ND4J_BLAS_SETTER = n -> Nd4j.factory().blas().setMaxThreads(n);
    /** Sets OpenBLAS's thread count; resolved once. */
    private static final IntConsumer BLAS_SETTER = blasSetter();

    private SingleThreaded() {
    }

    /**
     * Runs {@code work} with every ND4J/BLAS thread count at 1, restoring the counts after (also when it throws).
     *
     * @param work the monitor's ops
     * @param <T>  the result type
     * @return what {@code work} returns
     */
    public static <T> T call(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    /**
     * {@link #call} for work without a result.
     *
     * @param work the monitor's ops
     */
    public static void run(Runnable work) {
        enter();
        try {
            work.run();
        } finally {
            exit();
        }
    }

    private static void enter() {
        if (!ENABLED) {
            return;
        }
        synchronized (LOCK) {
            if (depth++ > 0) {
                return;
            }
            try {
                savedMaster = Nd4j.getEnvironment().maxMasterThreads();
                savedMax = Nd4j.getEnvironment().maxThreads();
                savedBlas = Nd4j.factory().blas().getMaxThreads();
                changed = savedMaster > 1 || savedMax > 1 || savedBlas > 1;
                if (changed) {
                    Nd4j.getEnvironment().setMaxMasterThreads(1);
                    Nd4j.getEnvironment().setMaxThreads(1);
                    BLAS_SETTER.accept(1);
                }
            } catch (RuntimeException | LinkageError e) {
                changed = false; // a backend without these settings: run as is
            }
        }
    }

    private static void exit() {
        if (!ENABLED) {
            return;
        }
        synchronized (LOCK) {
            if (--depth > 0 || !changed) {
                return;
            }
            changed = false;
            try {
                // the pool size first: libnd4j clamps maxMasterThreads to maxThreads
                Nd4j.getEnvironment().setMaxThreads(savedMax);
                Nd4j.getEnvironment().setMaxMasterThreads(savedMaster);
                BLAS_SETTER.accept(savedBlas);
            } catch (RuntimeException | LinkageError e) {
                // nothing to restore on such a backend
            }
        }
    }

    /**
     * The cheapest way to set OpenBLAS's thread count this process has: JavaCPP's own function-pointer class for
     * {@code openblas_set_num_threads} (what its {@code blas_set_num_threads} builds on every call), made once and
     * kept, when ND4J's BLAS is OpenBLAS through JavaCPP's presets; ND4J's {@code blas().setMaxThreads} otherwise. ND4J's
     * {@code getMaxThreads} returns the presets' cache of the count last set, which is updated too.
     *
     * @return the setter
     */
    private static IntConsumer blasSetter() {
        IntConsumer nd4j = ND4J_BLAS_SETTER;
        try {
            if (!"OPENBLAS".equals(String.valueOf(Nd4j.factory().blas().getBlasVendor()))) {
                return nd4j;
            }
            Class<?> pointer = Class.forName("org.bytedeco.javacpp.Pointer");
            Class<?> loader = Class.forName("org.bytedeco.javacpp.Loader");
            Class<?> fn = Class.forName("org.bytedeco.openblas.presets.openblas_nolapack$SetNumThreads");
            Object address = loader.getMethod("addressof", String.class).invoke(null, "openblas_set_num_threads");
            if (address == null) {
                return nd4j;
            }
            Constructor<?> allocate = fn.getDeclaredConstructor();
            allocate.setAccessible(true);
            Object f = allocate.newInstance();
            Method put = null;
            for (Method m : fn.getDeclaredMethods()) {
                if (m.getName().equals("put") && m.getReturnType() == fn && m.getParameterCount() == 1
                        && m.getParameterTypes()[0] == pointer) {
                    put = m;
                }
            }
            if (put == null) {
                return nd4j;
            }
            put.invoke(f, address);
            MethodHandle call = MethodHandles.publicLookup()
                    .findVirtual(fn, "call", MethodType.methodType(void.class, int.class)).bindTo(f);
            // ND4J's getMaxThreads returns the presets' cache of the last count set: keep it true.
            java.lang.reflect.Field cacheField = Class.forName("org.bytedeco.openblas.presets.openblas_nolapack")
                    .getDeclaredField("maxThreads");
            cacheField.setAccessible(true);
            MethodHandle cache = MethodHandles.lookup().unreflectSetter(cacheField);
            return n -> {
                try {
                    call.invokeExact(n);
                    cache.invokeExact(n);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return nd4j;
        }
    }

    /** @return true when OpenBLAS's count is set through the function pointer resolved once (for tests) */
    static boolean directBlasSetter() {
        return BLAS_SETTER != ND4J_BLAS_SETTER;
    }
}
