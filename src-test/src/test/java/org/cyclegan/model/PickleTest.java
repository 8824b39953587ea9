package org.cyclegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cyclegan.model.interop.torch.Pickle;
import org.cyclegan.testing.PickleBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restricted unpickler: every opcode it takes, on hand-built byte sequences (as Python's pickler writes them),
 * and the refusals: disallowed globals (os.system, eval) before anything could use them, unknown opcodes, and lengths,
 * memo indexes and stack states that a broken or hostile pickle could get wrong.
 */
class PickleTest {
    @TempDir Path dir;

    /** Records what the unpickler asks for; allows only the globals in {@code allowed}. */
    static final class Recorder implements Pickle.Resolver {
        final List<String> allowed;
        final List<String> calls = new ArrayList<>();
        final List<Object> pids = new ArrayList<>();
        final List<Object> builds = new ArrayList<>();

        Recorder(String... allowed) {
            this.allowed = List.of(allowed);
        }

        @Override public boolean allows(Pickle.Global g) {
            return allowed.contains(g.qualifiedName());
        }

        @Override public Object call(Pickle.Global g, Pickle.Tuple args) {
            calls.add(g.qualifiedName() + "/" + args.size());
            return "called " + g.qualifiedName();
        }

        @Override public Object persistentLoad(Object pid) {
            pids.add(pid);
            return "storage";
        }

        @Override public void build(Object target, Object state) {
            builds.add(state);
        }
    }

    private static Object load(PickleBytes p) {
        return Pickle.load(p.bytes(), new Recorder());
    }

    private static Object load(int... bytes) {
        return load(new PickleBytes().raw(bytes));
    }

    private static String refused(byte[] bytes, Pickle.Resolver r) {
        return assertThrows(IllegalArgumentException.class, () -> Pickle.load(bytes, r)).getMessage();
    }

    private static String refused(PickleBytes p) {
        return refused(p.bytes(), new Recorder());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // values

    @Test void integers() {
        assertEquals(7L, load(PickleBytes.proto(2).op('K').raw(7).stop()));                       // BININT1
        assertEquals(1001L, load(PickleBytes.proto(2).op('M').raw(0xe9, 0x03).stop()));            // BININT2
        assertEquals(-2L, load(PickleBytes.proto(2).op('J').le32(-2).stop()));                     // BININT
        assertEquals(0L, load(PickleBytes.proto(2).op(0x8a).raw(0).stop()));                       // LONG1, 0 bytes
        assertEquals(-1L, load(PickleBytes.proto(2).op(0x8a).raw(1, 0xff).stop()));                // LONG1, two's complement
        assertEquals(1L << 40, load(PickleBytes.proto(2).op(0x8a).raw(6, 0, 0, 0, 0, 0, 1).stop()));
        // PyTorch's legacy magic number needs 10 bytes: a BigInteger.
        assertEquals(new BigInteger("1950a86a20f9469cfc6c", 16),
                load(PickleBytes.proto(2).op(0x8a).raw(10).raw(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop()));
    }

    @Test void floatsBoolsAndNone() {
        // BINFLOAT is a big-endian double: 1.5 = 0x3ff8000000000000
        assertEquals(1.5, load(PickleBytes.proto(2).op('G').raw(0x3f, 0xf8, 0, 0, 0, 0, 0, 0).stop()));
        assertEquals(Boolean.TRUE, load(PickleBytes.proto(2).op(0x88).stop()));
        assertEquals(Boolean.FALSE, load(PickleBytes.proto(2).op(0x89).stop()));
        assertNull(load(PickleBytes.proto(2).none().stop()));
    }

    @Test void strings() {
        assertEquals("model.1.weight", load(PickleBytes.proto(2).str("model.1.weight").stop()));   // BINUNICODE
        assertEquals("ünïcode ✓", load(PickleBytes.proto(4).shortStr("ünïcode ✓").stop()));       // SHORT_BINUNICODE
        assertEquals("abc", load(PickleBytes.proto(4).op(0x8d).le64(3).raw('a', 'b', 'c').stop()));  // BINUNICODE8
        assertEquals("py2", load(PickleBytes.proto(2).op('U').raw(3).raw('p', 'y', '2').stop()));     // SHORT_BINSTRING
        assertEquals("py2", load(PickleBytes.proto(2).op('T').le32(3).raw('p', 'y', '2').stop()));    // BINSTRING
    }

    @Test void tuples() {
        assertEquals(new Pickle.Tuple(List.of()), load(PickleBytes.proto(2).emptyTuple().stop()));
        assertEquals(new Pickle.Tuple(List.of(1L)), load(PickleBytes.proto(2).integer(1).tuple1().stop()));
        assertEquals(new Pickle.Tuple(List.of(1L, 2L)), load(PickleBytes.proto(2).integer(1).integer(2).op(0x86).stop()));
        assertEquals(new Pickle.Tuple(List.of(1L, 2L, 3L)), load(PickleBytes.proto(2).integer(1).integer(2).integer(3).op(0x87).stop()));
        assertEquals(new Pickle.Tuple(List.of(1L, 2L, 3L, 4L)), load(PickleBytes.proto(2).intTuple(1, 2, 3, 4).stop()));
        Pickle.Tuple withNone = (Pickle.Tuple) load(PickleBytes.proto(2).mark().none().str("x").tuple().stop());
        assertNull(withNone.get(0));
    }

    @Test void listsAndDicts() {
        assertEquals(List.of(1L, 2L, 3L), load(PickleBytes.proto(2).op(']').integer(1).op('a').mark().integer(2).integer(3).op('e').stop()));
        assertEquals(List.of(1L, 2L), load(PickleBytes.proto(2).mark().integer(1).integer(2).op('l').stop()));   // LIST
        Map<?, ?> d = (Map<?, ?>) load(PickleBytes.proto(2).emptyDict().str("a").integer(1).op('s')
                .mark().str("b").integer(2).str("c").none().setitems().stop());
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(d.keySet()), "insertion order kept");
        assertEquals(2L, d.get("b"));
        assertTrue(d.containsKey("c") && d.get("c") == null);
        assertEquals(Map.of("k", 5L), load(PickleBytes.proto(2).mark().str("k").integer(5).op('d').stop()));   // DICT
    }

    @Test void memoSharesObjects() {
        // [x, x] where x = [] stored with BINPUT 0 and fetched with BINGET 0: the same object twice, as in Python.
        List<?> l = (List<?>) load(PickleBytes.proto(2).op(']').mark().op(']').op('q').raw(0).op('h').raw(0).op('e').stop());
        assertSame(l.get(0), l.get(1));
        List<?> l4 = (List<?>) load(PickleBytes.proto(2).op(']').mark().str("s").op('r').le32(70000).op('j').le32(70000).op('e').stop());
        assertEquals(List.of("s", "s"), l4);                                       // LONG_BINPUT / LONG_BINGET
        List<?> m = (List<?>) load(PickleBytes.proto(4).op(']').op(0x94).mark().shortStr("t").op(0x94).op('h').raw(1).op('e').stop());
        assertEquals(List.of("t", "t"), m);                                        // MEMOIZE numbers entries 0, 1, ...
    }

    @Test void frameIsAHint() {
        PickleBytes body = new PickleBytes().integer(9).stop();
        assertEquals(9L, load(PickleBytes.proto(4).op(0x95).le64(body.bytes().length).raw(body.bytes())));
    }

    @Test void allowedGlobalsAreInterpretedByTheResolver() {
        Recorder r = new Recorder("collections.OrderedDict");
        Object v = Pickle.load(PickleBytes.proto(2).global("collections", "OrderedDict").emptyTuple().reduce().stop().bytes(), r);
        assertEquals("called collections.OrderedDict", v);
        assertEquals(List.of("collections.OrderedDict/0"), r.calls);
        // STACK_GLOBAL (protocol 4) names the same global from two strings.
        Recorder r4 = new Recorder("collections.OrderedDict");
        Pickle.load(PickleBytes.proto(4).shortStr("collections").shortStr("OrderedDict").op(0x93).emptyTuple().reduce().stop().bytes(), r4);
        assertEquals(List.of("collections.OrderedDict/0"), r4.calls);
    }

    @Test void persistentIdsAndBuildGoToTheResolver() {
        Recorder r = new Recorder();
        Object v = Pickle.load(PickleBytes.proto(2).mark().str("storage").str("0").tuple().persid().stop().bytes(), r);
        assertEquals("storage", v);
        assertEquals(List.of(new Pickle.Tuple(List.of("storage", "0"))), r.pids);
        Pickle.load(PickleBytes.proto(2).emptyDict().emptyDict().op('b').stop().bytes(), r);   // BUILD
        assertEquals(1, r.builds.size());
    }

    @Test void consecutivePicklesAreReadOneAtATime() {
        byte[] two = new PickleBytes().raw(PickleBytes.proto(2).integer(1).stop().bytes()).raw(PickleBytes.proto(2).integer(2).stop().bytes()).bytes();
        Pickle.Result first = Pickle.load(two, 0, two.length, new Recorder());
        assertEquals(1L, first.value());
        assertEquals(2L, Pickle.load(two, first.end(), two.length, new Recorder()).value());
        assertTrue(refused(two, new Recorder()).contains("bytes follow it"), "a single load must use all bytes");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // hostile pickles: nothing is ever executed

    /** Exactly what Python 3's {@code pickle.dumps(obj, protocol=2)} writes for {@code __reduce__ = (os.system, (cmd,))}. */
    static byte[] osSystemProtocol2(String command) {
        return PickleBytes.proto(2).global("posix", "system").op('q').raw(0).str(command).op('q').raw(1).tuple1().op('q').raw(2)
                .reduce().op('q').raw(3).stop().bytes();
    }

    /** The same with protocol 4 (Python's default): STACK_GLOBAL, FRAME and MEMOIZE. */
    static byte[] osSystemProtocol4(String command) {
        PickleBytes body = new PickleBytes().shortStr("posix").op(0x94).shortStr("system").op(0x94).op(0x93).op(0x94)
                .shortStr(command).op(0x94).tuple1().op(0x94).reduce().op(0x94).stop();
        return PickleBytes.proto(4).op(0x95).le64(body.bytes().length).raw(body.bytes()).bytes();
    }

    @Test void osSystemIsRefusedByNameAndNothingRuns() throws Exception {
        Path marker = dir.resolve("pickle-was-executed");
        String command = "touch " + marker;
        for (byte[] hostile : List.of(osSystemProtocol2(command), osSystemProtocol4(command))) {
            // Even a resolver that allows everything else has no way to run it: the global is refused where it is named.
            Recorder r = new Recorder("collections.OrderedDict", "torch._utils._rebuild_tensor_v2");
            String msg = refused(hostile, r);
            assertTrue(msg.contains("'posix.system'") && msg.contains("not allowed"), msg);
            assertTrue(r.calls.isEmpty(), "nothing may be called: " + r.calls);
            assertFalse(Files.exists(marker), "the command in the pickle must not have run");
        }
        String os = refused(PickleBytes.proto(2).global("os", "system").str("touch " + marker).tuple1().reduce().stop());
        assertTrue(os.contains("'os.system'") && os.contains("GLOBAL at byte 2"), os);
        String eval = refused(PickleBytes.proto(2).global("builtins", "eval").str("__import__('os').system('touch " + marker + "')").tuple1().reduce().stop());
        assertTrue(eval.contains("'builtins.eval'"), eval);
        String py2 = refused(PickleBytes.proto(2).global("__builtin__", "exec").str("x").tuple1().reduce().stop());
        assertTrue(py2.contains("'__builtin__.exec'"), py2);
        assertFalse(Files.exists(marker));
    }

    @Test void aPickledModelClassIsRefusedByName() {
        // torch.save(model) instead of torch.save(model.state_dict()): the class is a global.
        String msg = refused(PickleBytes.proto(2).global("models.networks", "ResnetGenerator").op(')').op(0x81).stop());
        assertTrue(msg.contains("'models.networks.ResnetGenerator'"), msg);
    }

    @Test void onlyGlobalsCanBeCalled() {
        String msg = refused(PickleBytes.proto(2).str("not callable").emptyTuple().reduce().stop());
        assertTrue(msg.contains("REDUCE") && msg.contains("cannot call a str"), msg);
        Recorder r = new Recorder("collections.OrderedDict");
        String args = refused(PickleBytes.proto(2).global("collections", "OrderedDict").op(']').reduce().stop().bytes(), r);
        assertTrue(args.contains("not a tuple"), args);
    }

    @Test void opcodesOutsideTheStateDictSubsetAreRefusedByNameAndOffset() {
        int[][] cases = {
            {'i'}, {'o'}, {0x81}, {0x92}, {'P'}, {0x82}, {'I'}, {'L'}, {'F'}, {'S'}, {'V'}, {'B'}, {'C'}, {0x8f}, {'0'}, {'2'}, {'g'}, {'p'}, {0xfe},
        };
        String[] names = {"INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "PERSID", "EXT1", "INT", "LONG", "FLOAT", "STRING", "UNICODE", "BINBYTES",
            "SHORT_BINBYTES", "EMPTY_SET", "POP", "DUP", "GET", "PUT", "0xfe"};
        for (int i = 0; i < cases.length; i++) {
            String msg = refused(PickleBytes.proto(2).integer(1).raw(cases[i]).stop());
            assertTrue(msg.contains("opcode " + names[i] + " at byte 4") && msg.contains("not allowed"), msg);
        }
        assertTrue(refused(PickleBytes.proto(1).integer(1).stop()).contains("protocol 1"));
        assertTrue(refused(PickleBytes.proto(6).integer(1).stop()).contains("protocol 6"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // broken pickles

    @Test void lengthsAreCheckedBeforeAllocating() {
        String huge = refused(PickleBytes.proto(2).op('X').le32(0x7fffffff).raw('a').stop());
        assertTrue(huge.contains("BINUNICODE at byte 2") && huge.contains("runs past the end"), huge);
        assertTrue(refused(PickleBytes.proto(2).op('X').le32(-1).stop()).contains("runs past the end"));   // 4 GB as unsigned
        assertTrue(refused(PickleBytes.proto(4).op(0x8d).le64(Long.MAX_VALUE).stop()).contains("runs past the end"));
        assertTrue(refused(PickleBytes.proto(2).op('T').le32(-5).stop()).contains("length -5"));
        assertTrue(refused(PickleBytes.proto(4).op(0x95).le64(1L << 40).stop()).contains("frame of"));
        assertTrue(refused(PickleBytes.proto(2).op(0x8a).raw(200).stop()).contains("200-byte integer"));
        assertTrue(refused(PickleBytes.proto(2).op('c').raw("os".repeat(200).getBytes()).stop()).contains("longer than"));
    }

    @Test void truncationIsNamed() {
        assertTrue(refused(PickleBytes.proto(2).integer(1)).contains("without a STOP"));
        assertTrue(refused(PickleBytes.proto(2).op('J').raw(1, 2)).contains("BININT at byte 2") );
        assertTrue(refused(PickleBytes.proto(2).op('G').raw(1)).contains("truncated"));
        assertTrue(refused(PickleBytes.proto(2).op('c').raw('o', 's')).contains("runs past the end"));
        assertTrue(refused(new PickleBytes()).contains("without a STOP"));
    }

    @Test void stackMarkAndMemoMistakesAreRefused() {
        assertTrue(refused(PickleBytes.proto(2).reduce().stop()).contains("stack underflow"));
        assertTrue(refused(PickleBytes.proto(2).integer(1).integer(2).stop()).contains("holds 2 values"));
        assertTrue(refused(PickleBytes.proto(2).mark().integer(1).stop()).contains("MARK is still open"));
        assertTrue(refused(PickleBytes.proto(2).tuple().stop()).contains("no MARK"));
        assertTrue(refused(PickleBytes.proto(2).mark().tuple1().stop()).contains("stack underflow"), "values below a MARK are out of reach");
        assertTrue(refused(PickleBytes.proto(2).op('h').raw(3).stop()).contains("memo index 3"));
        assertTrue(refused(PickleBytes.proto(2).emptyTuple().integer(1).op('a').stop()).contains("not a list"));
        assertTrue(refused(PickleBytes.proto(2).op(']').str("k").integer(1).op('s').stop()).contains("not a dict"));
        assertTrue(refused(PickleBytes.proto(2).emptyDict().mark().str("k").setitems().stop()).contains("odd number"));
        assertTrue(refused(PickleBytes.proto(2).emptyDict().emptyTuple().integer(1).op('s').stop()).contains("dict key of type tuple"));
        assertTrue(refused(PickleBytes.proto(2).op('X').le32(2).raw(0xc3, 0x28).stop()).contains("not valid UTF-8"));
    }
}
