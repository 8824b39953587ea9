package org.cyclegan.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cyclegan.engine.nn.Module;
import org.junit.jupiter.api.Test;

/** Named parameters and buffers, state dicts, train/eval mode, walking the tree of modules. */
class ModuleTest {

    static final class Conv extends Module {
        final Tensor weight, bias;

        Conv(int cin, int cout, Random rng) {
            weight = registerParameter("weight", Tensor.randn(rng, cout, cin, 3, 3).mul(0.1f));
            bias = registerParameter("bias", Tensor.zeros(cout));
        }

        @Override public Tensor forward(Tensor x) {
            return F.conv2d(x, weight, bias, 1, 1);
        }
    }

    static final class Norm extends Module {
        Norm(int c) {
            registerBuffer("running_mean", Tensor.zeros(c));
        }

        @Override public Tensor forward(Tensor x) {
            return x;
        }
    }

    static final class Net extends Module {
        final Conv first, second;

        Net(Random rng) {
            first = registerModule("0", new Conv(3, 4, rng));
            registerModule("1", new Norm(4));
            second = registerModule("2", new Conv(4, 2, rng));
        }

        @Override public Tensor forward(Tensor x) {
            return second.forward(first.forward(x).relu());
        }
    }

    @Test void namesFollowThePyTorchStateDictConvention() {
        Net net = new Net(new Random(1));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.running_mean", "2.weight", "2.bias"), List.copyOf(net.stateDict().keySet()));
        assertEquals(4 * 3 * 9 + 4 + 2 * 4 * 9 + 2, net.parameterCount());
        assertTrue(net.parameters().stream().allMatch(Tensor::requiresGrad));
    }

    @Test void loadStateDictCopiesValuesAndGivesTheSameOutputs() {
        Net a = new Net(new Random(1)), b = new Net(new Random(2));
        Tensor x = Tensor.randn(new Random(3), 1, 3, 5, 5);
        assertFalse(java.util.Arrays.equals(a.forward(x).toArray(), b.forward(x).toArray()));
        b.loadStateDict(a.stateDict());
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
    }

    @Test void loadStateDictRefusesMissingUnexpectedAndMisshapenKeys() {
        Net net = new Net(new Random(1));
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(net.stateDict());
        state.remove("2.bias");
        state.put("3.weight", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        assertTrue(e.getMessage().contains("2.bias") && e.getMessage().contains("3.weight"), e.getMessage());

        Map<String, Tensor> wrong = new java.util.LinkedHashMap<>(net.stateDict());
        wrong.put("0.bias", Tensor.zeros(5));
        e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(wrong));
        assertTrue(e.getMessage().contains("0.bias") && e.getMessage().contains("[5]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test void trainAndEvalPropagateToChildren() {
        Net net = new Net(new Random(1));
        net.eval();
        assertFalse(net.first.isTraining());
        net.train(true);
        assertTrue(net.second.isTraining());
    }

    /** Two levels: the outer module's children are a Net and a Conv, so the walk order shows children before parents. */
    static final class Outer extends Module {
        Outer(Random rng) {
            registerModule("net", new Net(rng));
            registerModule("head", new Conv(2, 1, rng));
        }

        @Override public Tensor forward(Tensor x) {
            return x;
        }
    }

    @Test void applyVisitsChildrenFirstInRegistrationOrderAsPyTorch() {
        List<String> visited = new ArrayList<>();
        new Outer(new Random(1)).apply(m -> visited.add(m.toString()));
        assertEquals(List.of("Conv", "Norm", "Conv", "Net", "Conv", "Outer"), visited);
    }

    @Test void namedModulesGivesEachModuleItsStateDictPrefixParentsFirst() {
        Outer outer = new Outer(new Random(1));
        Map<String, Module> modules = outer.namedModules();
        assertEquals(List.of("", "net", "net.0", "net.1", "net.2", "head"), List.copyOf(modules.keySet()));
        assertTrue(modules.get("") == outer && modules.get("net.1") instanceof Norm);
        for (String key : outer.stateDict().keySet()) {
            String prefix = key.substring(0, key.lastIndexOf('.'));
            assertTrue(modules.containsKey(prefix), key + " belongs to a module named " + prefix);
        }
    }

    @Test void freezingParametersStopsTheirGradients() {
        Net net = new Net(new Random(1));
        net.first.setRequiresGrad(false);
        Tensor x = Tensor.randn(new Random(3), 1, 3, 4, 4).requiresGrad(true);
        net.forward(x).sum().backward();
        assertEquals(null, net.first.weight.grad());
        assertTrue(net.second.weight.grad() != null && x.grad() != null);
    }
}
