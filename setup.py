"""Build of orbitdb: the C core (csrc/) as a static library, the Cython binding of it, and the
Cython codecs of orbitdb/storage (keys, rows, primary-key reads).

The C core is compiled with the project's strict warning flags, so every warning
in csrc/ stays visible. The Cython-generated C of ``orbitdb._engine`` gets the
same flags plus suppressions for warnings that only Cython's output triggers.
"""

from __future__ import annotations

from glob import glob

from Cython.Build import cythonize
from setuptools import Extension, find_namespace_packages, setup
from setuptools.command.build_ext import build_ext

CORE_SOURCES = sorted(glob("csrc/*.c"))
CORE_HEADERS = sorted(glob("csrc/*.h"))
CYTHON_SOURCES = ["orbitdb/_engine.pyx", *sorted(glob("orbitdb/*.pxd"))]
STORAGE_PXD = sorted(glob("orbitdb/storage/*.pxd"))
COMMON_FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-function"]
# Suppressions for warnings that only Cython's generated code raises (never csrc/).
# Cython 3.x output of orbitdb/_engine.pyx compiles clean under the common flags.
CYTHON_FLAGS: list[str] = []


class BuildExtWithCore(build_ext):
    """build_ext that first builds the static core library (also for --inplace / editable)."""

    def run(self) -> None:
        self.run_command("build_clib")
        super().run()

    def build_extension(self, ext: Extension) -> None:
        if ext.name == engine_extension.name:
            # The static core goes before the system libraries it uses on the link line.
            clib = self.get_finalized_command("build_clib")
            ext.libraries = [*clib.get_library_names(), *(lib for lib in ext.libraries if lib != "odbcore")]
            ext.library_dirs = [clib.build_clib, *ext.library_dirs]
        super().build_extension(ext)


core_library = (
    "odbcore",
    {
        "sources": CORE_SOURCES,
        "include_dirs": ["csrc"],
        "cflags": [*COMMON_FLAGS, "-pthread"],
        "obj_deps": {"": CORE_HEADERS},
    },
)

engine_extension = Extension(
    "orbitdb._engine",
    sources=["orbitdb/_engine.pyx"],
    include_dirs=["csrc"],
    # Listed so that changes rebuild the extension and the sdist carries them (the .pyx and .pxd
    # too: cythonize swaps the .pyx for the generated .c in sources).
    depends=[*CYTHON_SOURCES, *CORE_SOURCES, *CORE_HEADERS],
    extra_compile_args=[*COMMON_FLAGS, *CYTHON_FLAGS],
    libraries=["pthread"],
    extra_link_args=["-pthread"],
)


def storage_extension(name: str) -> Extension:
    """A codec of orbitdb/storage. It links no C core: engine reads go through the binding's
    Engine (declared in orbitdb/_engine.pxd), so there is one copy of the core per process."""
    return Extension(
        f"orbitdb.storage.{name}",
        sources=[f"orbitdb/storage/{name}.pyx"],
        include_dirs=["csrc"],
        depends=[*STORAGE_PXD, *CYTHON_SOURCES, *CORE_HEADERS],
        extra_compile_args=[*COMMON_FLAGS, *CYTHON_FLAGS],
    )


storage_extensions = [storage_extension(name) for name in ("_keyformat", "_rowformat", "_access", "_runs",
                                                                      "_batch")]

setup(
    # Namespace-aware, so that a subpackage directory without __init__.py is not silently left out.
    packages=find_namespace_packages(include=["orbitdb", "orbitdb.*"], exclude=["*.__pycache__"]),
    libraries=[core_library],
    ext_modules=cythonize([engine_extension, *storage_extensions], compiler_directives={"language_level": 3}),
    cmdclass={"build_ext": BuildExtWithCore},
)
