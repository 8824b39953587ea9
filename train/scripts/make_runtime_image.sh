#!/usr/bin/env bash
# Builds the runtime image: a folder that runs cyclegan-engine on a Linux machine without a JDK.
#
#   bash train/scripts/make_runtime_image.sh JDK_HOME JAR OUT
#
# Run by `mvn -B -q package -DskipTests -Pruntime-image` (train/pom.xml) with the JDK running Maven, the shaded jar and
# train/target/runtime-image. OUT then holds:
#   bin/java ...                 a jlink'd Java runtime with only the modules the jar uses (jdeps), plus the Vector API
#   bin/cyclegan-engine          the launcher: runs this runtime's java on the jar, whatever java is on PATH
#   lib/cyclegan-engine.jar      the jar
#   lib/lib*.so.N                the native libraries the runtime's own libraries link against beyond the C/C++ runtime
#                                (a desktop JDK such as Debian's links libfreetype, libharfbuzz, libjpeg, liblcms2 ... from
#                                the system), copied from this machine; found through the runtime's RPATH ($ORIGIN)
#   lib/opencl-loader/           an OpenCL ICD loader (ocl-icd) for GPU machines without one; not on any search path
#   lib/fonts/, lib/fontconfig.properties
#                                one font (DejaVu Sans) for the loss plot's labels, for machines without fonts or fontconfig
#   legal/bundled/               the copyright files of what was copied
#   lib/bundled-libraries.txt    what was copied, from which file and package
# Needs jdeps and jlink (the JDK), ldd, and strip or objcopy (binutils) to take libjvm's symbol table out (4 MB).
# train/scripts/check_runtime_image.sh tests the result on a machine with only libc, libstdc++ and zlib.
set -euo pipefail
if [ $# -ne 3 ]; then echo "usage: $0 JDK_HOME JAR OUT" >&2; exit 2; fi
jdk=$1 jar=$2 out=$3
[ -x "$jdk/bin/jlink" ] && [ -x "$jdk/bin/jdeps" ] || { echo "$0: $jdk has no bin/jlink and bin/jdeps: a full JDK is needed (not a JRE)" >&2; exit 2; }
[ -f "$jar" ] || { echo "$0: $jar is missing: package the train module first" >&2; exit 2; }

# What the runtime may take from the machine it runs on: glibc, the C++ runtime (libjvm itself needs it) and zlib.
# Everything else the runtime's libraries need is copied in.
is_base_library() {
  case $1 in
    ld-linux*|linux-vdso*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libstdc++.so.*|libgcc_s.so.*|libz.so.*) return 0 ;;
    *) return 1 ;;
  esac
}

# Modules: what jdeps finds in the jar's classes, and the Vector API in any case: the jar's launcher adds it to the JVM
# it restarts, whatever jdeps makes of the classes.
modules=$("$jdk/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar")
case ",$modules," in *,jdk.incubator.vector,*) ;; *) modules="$modules,jdk.incubator.vector" ;; esac
echo "runtime image: modules $modules (from $jdk)"

rm -rf "$out"
mkdir -p "$(dirname "$out")"
# Headless only (bin/cyclegan-engine sets java.awt.headless): the X11 toolkit, AWT's native interface for other programs,
# the splash screen and sound are left out; the class list is only for building a CDS archive.
"$jdk/bin/jlink" --add-modules "$modules" --output "$out" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so,**/lib/classlist' \
  2>&1 | { grep -v 'WARNING: Using incubator modules' || true; }

# libjvm.so comes with its full symbol table; the dynamic symbols it exports are all it needs to run.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$out/lib/server/libjvm.so"
elif command -v objcopy >/dev/null; then
  objcopy --strip-unneeded "$out/lib/server/libjvm.so"
else
  echo "$0: neither strip nor objcopy (binutils) is installed: libjvm.so keeps its 4 MB symbol table" >&2
fi

# The native libraries the runtime needs from the system, transitively, less the base ones; ldd resolves them here.
manifest=$out/lib/bundled-libraries.txt
: > "$manifest"
# record NAME SOURCE: notes in the manifest that NAME was copied from SOURCE, and brings its package's copyright file.
record() {
  local name=$1 source package
  source=$(readlink -f "$2")
  package=$(dpkg -S "$source" 2>/dev/null | head -1 | cut -d: -f1 || true)
  echo "$name <- $source${package:+ (Debian package $package $(dpkg-query -W -f='${Version}' "$package" 2>/dev/null))}" >> "$manifest"
  if [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ]; then
    mkdir -p "$out/legal/bundled/$package"
    cp "/usr/share/doc/$package/copyright" "$out/legal/bundled/$package/copyright"
  fi
}
declare -A copied=()
queue=("$out"/lib/*.so "$out"/lib/server/*.so "$out"/bin/java)
while [ ${#queue[@]} -gt 0 ]; do
  file=${queue[0]}
  queue=("${queue[@]:1}")
  while read -r name _ path _; do
    is_base_library "$name" && continue
    [ -e "$out/lib/$name" ] || [ -e "$out/lib/server/$name" ] || [ -n "${copied[$name]:-}" ] || {
      if [ "$path" = "not" ] || [ ! -f "$path" ]; then
        echo "$0: $file needs $name, which is not installed here (ldd: not found)" >&2
        exit 1
      fi
      cp -L "$path" "$out/lib/$name"
      chmod 644 "$out/lib/$name"
      copied[$name]=1
      record "$name" "$path"
      queue+=("$out/lib/$name")
    }
  done < <(ldd "$file" | awk '$2 == "=>" { print $1, $2, $3, $4 }')
done
echo "runtime image: copied $(wc -l < "$manifest") native libraries in: $(cut -d' ' -f1 "$manifest" | tr '\n' ' ')"

# A font for the plot's labels. Java's logical font SansSerif comes from fontconfig where it works; this file (the
# fallback Java reads from lib/) maps it to the bundled font where it does not: no libfontconfig, or no fonts installed.
font=
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/dejavu/DejaVuSans.ttf; do
  [ -f "$f" ] && { font=$f; break; }
done
[ -n "$font" ] || { echo "$0: DejaVuSans.ttf is not installed (Debian: apt-get install fonts-dejavu-core): the image needs a font for the loss plot" >&2; exit 1; }
mkdir -p "$out/lib/fonts"
cp "$font" "$out/lib/fonts/DejaVuSans.ttf"
record fonts/DejaVuSans.ttf "$font"
cat > "$out/lib/fontconfig.properties" <<'EOF'
# Java's logical fonts, for machines where fontconfig finds none: every one is the bundled DejaVu Sans.
version=1
sequence.allfonts=latin-1
EOF
for family in serif sansserif monospaced dialog dialoginput; do
  for style in plain bold italic bolditalic; do
    echo "$family.$style.latin-1=DejaVu Sans" >> "$out/lib/fontconfig.properties"
  done
done
echo 'filename.DejaVu_Sans=$JRE_LIB_FONTS/DejaVuSans.ttf' >> "$out/lib/fontconfig.properties"

# An OpenCL ICD loader, for GPU machines that have a vendor's driver but no loader (benchmarks/gpu_check.sh puts it
# on LD_LIBRARY_PATH only then): kept out of the runtime's search path, so the machine's own loader always wins.
loader=$(ldconfig -p 2>/dev/null | awk '$1 == "libOpenCL.so.1" && /x86-64/ && !found { found = $NF } END { print found }')
if [ -n "$loader" ]; then
  mkdir -p "$out/lib/opencl-loader"
  cp -L "$loader" "$out/lib/opencl-loader/libOpenCL.so.1"
  record opencl-loader/libOpenCL.so.1 "$loader"
else
  echo "runtime image: no OpenCL ICD loader (libOpenCL.so.1) here to include (Debian: ocl-icd-libopencl1)" >&2
fi

cp "$jar" "$out/lib/cyclegan-engine.jar"

cat > "$out/bin/cyclegan-engine" <<'EOF'
#!/bin/sh
# Runs cyclegan-engine with this image's own Java runtime, whatever java is on PATH (or none). The jar's launcher
# restarts this same java (its java.home) with the Vector API, the heap and signal chaining (lib/libjsig.so).
# Plain POSIX sh: it must run where nothing else is installed.
self=$0
if command -v readlink >/dev/null 2>&1; then
  resolved=$(readlink -f "$0" 2>/dev/null) && [ -n "$resolved" ] && self=$resolved
fi
case $self in
  */*) bin=${self%/*} ;;
  *) bin=. ;;
esac
image=$bin/..
exec "$image/bin/java" -Djava.awt.headless=true -jar "$image/lib/cyclegan-engine.jar" "$@"
EOF
chmod 755 "$out/bin/cyclegan-engine"

kib=$(du -sk "$out" | cut -f1)
echo "runtime image: $out, $((kib / 1024)).$(( (kib % 1024) * 10 / 1024 )) MiB on disk, the jar included, Java $("$out/bin/java" -version 2>&1 | head -1)"
