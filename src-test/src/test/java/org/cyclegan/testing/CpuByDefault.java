package org.cyclegan.testing;

import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes a fresh two-thread cpu backend the default for each test and puts the previous default back (closing the cpu
 * backend) after it. Register it on an instance field: {@code @RegisterExtension final CpuByDefault cpu = new CpuByDefault();}
 */
public final class CpuByDefault implements BeforeEachCallback, AfterEachCallback {
    private final Backend cpu = new CpuBackend(2);
    private Backend previous;

    @Override
    public void beforeEach(ExtensionContext context) {
        previous = Backends.getDefault();
        Backends.setDefault(cpu);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Backends.setDefault(previous);
        cpu.close();
    }
}
