package org.cyclegan.train.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.io.Safetensors;
import org.cyclegan.engine.nn.Module;
import org.cyclegan.model.interop.GeneratorArchitecture;
import org.cyclegan.train.gan.CycleGan;
import org.cyclegan.train.gan.CycleGanConfig;

/**
 * A CycleGAN's four networks as the files of a save ({@code <prefix>_net_G_A.safetensors} ..., PyTorch's key names),
 * each with the architecture in its metadata: the generator's ({@link GeneratorArchitecture#metadata}, what translate,
 * test and convert read back), the discriminator's ({@code netD}, {@code n_layers_D}, {@code ndf}) and the epoch.
 */
public final class NetworkFiles {
    private NetworkFiles() {}

    public static void write(CycleGan model, CheckpointFiles files, String prefix, int epoch) throws IOException {
        CycleGanConfig c = model.config;
        Map<String, String> meta = new LinkedHashMap<>(
                new GeneratorArchitecture(c.netG, c.ngf, c.norm, c.inputNc, c.outputNc, !c.noDropout, c.upsample).metadata());
        meta.put("netD", c.netD.name());
        meta.put("n_layers_D", Integer.toString(c.netD.nLayersD()));
        meta.put("ndf", Integer.toString(c.ndf));
        meta.put("epoch", Integer.toString(epoch));
        for (Map.Entry<String, Module> net : model.networks().entrySet()) {
            Safetensors.write(files.network(prefix, net.getKey()), net.getValue().stateDict(), meta);
        }
    }

    /**
     * Loads the networks of the save {@code prefix} into {@code model}; a file whose tensors do not fit is an
     * IOException naming it and the options that shape the networks.
     */
    public static void read(CycleGan model, CheckpointFiles files, String prefix, Backend backend) throws IOException {
        CycleGanConfig c = model.config;
        for (Map.Entry<String, Module> net : model.networks().entrySet()) {
            Path f = files.network(prefix, net.getKey());
            try {
                net.getValue().loadStateDict(Safetensors.read(f, backend).tensors());
            } catch (IllegalArgumentException e) {
                throw new IOException(f + ": does not fit --netG " + c.netG + " / --upsample " + c.upsample + " / --netD " + c.netD + " / --ngf " + c.ngf + ": " + e.getMessage(), e);
            }
        }
    }
}
