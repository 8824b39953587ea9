package org.cyclegan.train.doctor;

/**
 * The loss-curve situations the training doctor recognises, each with its letter, its name and the advice of the
 * CycleGAN tuning guide this project follows (its "problems met in practice" and "loss-curve situations"), put in
 * this program's options. The advice names the defaults it departs from: {@code --lr} 0.0002, {@code --beta1} 0.5,
 * {@code --lambda_A}/{@code --lambda_B} 10, {@code --lambda_identity} 0.5.
 */
public enum Situation {
    /** D's loss near 0 while G's adversarial loss stays high: D wins and G gets little gradient from it. */
    DISCRIMINATOR_WINS('a', "the discriminator wins",
            "slow the discriminator down: its own learning rate below G's, --lr_D 0.0001 (the guide: D 0.0002 where G has 0.001);"
                    + " D's own Adam beta1, --beta1_D (the guide lowers D's to 0.5 where G's is 0.9; here both start at --beta1 0.5);"
                    + " a little Gaussian noise on everything D sees, --d_noise 0.05; a smaller D, --netD n_layers --n_layers_D 2;"
                    + " or more generator capacity, a larger --netG resnet_<N>blocks or --ngf"),
    /** G's adversarial loss falls fast while D's stays high: G fools a D too weak to tell it anything. */
    GENERATOR_OUTRUNS('b', "the generator outruns its discriminator",
            "strengthen the discriminator: more layers, --netD n_layers --n_layers_D 4 (at 64 px do not downsample the patch away),"
                    + " or a wider --ndf; a higher learning rate for D than for G, e.g. --lr_D 0.0004 with --lr 0.0002;"
                    + " and for stability a little noise on D's inputs, --d_noise 0.05, or gradient clipping, --clip_grad_norm 10"),
    /** Both losses flat and stable, yet the translation barely differs from its input. */
    FLAT_BUT_FAINT('c', "balanced and flat, yet the translation is faint",
            "give the adversarial term more say: lower the cycle weights, --lambda_A 5 --lambda_B 5, and the identity weight,"
                    + " --lambda_identity 0.25; let the learning rate decay for the late phase (--n_epochs_decay, --lr_policy);"
                    + " if what changes shows a checkerboard pattern, --upsample resize_conv"),
    /** Strong oscillation, NaN or Inf. */
    UNSTABLE('d', "oscillation, NaN or Inf",
            "lower the learning rates, --lr 0.0001 and D's --lr_D 0.0001; clip the gradients, --clip_grad_norm 10;"
                    + " a larger Adam beta1 (--beta1, --beta1_D, e.g. 0.9) averages the updates over more steps;"
                    + " more varied data, --rotate 10 --color_jitter 0.2,0.2; a NaN or Inf loss: continue from the last good"
                    + " checkpoint (--continue_train --epoch N) with these"),
    /** The output copies the input while the cycle and identity terms dominate the generators' loss. */
    COPYING('e', "the output copies the input",
            "lower the reconstruction weights that reward copying: --lambda_identity 0.25 (or 0), --lambda_A 5 --lambda_B 5;"
                    + " at 64 px a smaller generator, --netG resnet_4blocks (the guide: 3 to 4 residual blocks, not 9);"
                    + " a stronger adversarial signal from D (--lr_D, --netD n_layers --n_layers_D N); a unet's skip connections"
                    + " can pass the input straight through: try a resnet generator");

    public final char letter;
    /** The name, and the guide's advice in this program's options. */
    public final String title, advice;

    Situation(char letter, String title, String advice) {
        this.letter = letter;
        this.title = title;
        this.advice = advice;
    }

    /** "(a) the discriminator wins". */
    public String label() {
        return "(" + letter + ") " + title;
    }
}
