package org.cyclegan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cyclegan.engine.Tensor;
import org.cyclegan.engine.backend.Backends;
import org.cyclegan.engine.io.Json;
import org.cyclegan.engine.io.Safetensors;

/** Loads the PyTorch fixtures written by {@code src-test/fixtures/generate_fixtures.py}. */
public final class Fixtures {
    private final Map<String, Tensor> tensors;
    private final List<Map<String, Object>> cases;

    private Fixtures(Safetensors.Contents contents) {
        this.tensors = contents.tensors();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Object o : (List<?>) Json.parse(contents.metadata().get("cases"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            list.add(m);
        }
        this.cases = list;
    }

    public static Fixtures load(String name) {
        String resource = "/fixtures/" + name + ".safetensors";
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("fixture " + resource + " is missing; run src-test/fixtures/generate_fixtures.py");
            return new Fixtures(Safetensors.parse(in.readAllBytes(), Backends.getDefault()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + resource, e);
        }
    }

    public List<Map<String, Object>> cases() {
        return cases;
    }

    /** Tensor {@code key} of case {@code caseName}, as a fresh leaf. */
    public Tensor get(String caseName, String key) {
        Tensor t = tensors.get(caseName + "." + key);
        if (t == null) throw new IllegalArgumentException("fixture has no tensor " + caseName + "." + key);
        return Tensor.of(t.backend(), t.toArray(), t.shape());
    }

    public boolean has(String caseName, String key) {
        return tensors.containsKey(caseName + "." + key);
    }

    public static int intParam(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    public static float floatParam(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).floatValue();
    }

    public static boolean boolParam(Map<String, Object> c, String key) {
        return (Boolean) c.get(key);
    }
}
