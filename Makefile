# Build, test and demo of vscreen: Debian packages, the CMake build in build/, and a venv with the package.
#   make        deps + C++ build + .venv with the editable Python package
#   make test   ctest + pytest          make demo   screen approved drugs against Mpro (6LU7), print the top hits
#   make test-sanitize   ASan+UBSan build and ctest (build-asan), TSan on the threaded back-end (build-tsan)
#   make gpu-kit  the GPU device check's kit in build/gpu-kit (benchmarks/gpu/README.md)
#   make fuzz   libFuzzer targets of the C++ readers (clang, build-fuzz) and atheris on the campaign readers
# Variables: BUILD_DIR (build), JOBS (2), CMAKE_ARGS (extra -D options), PYTHON (/usr/bin/python3),
#            FUZZ_SECONDS (60 per target), FUZZ_DATA (../shared/data, seeds besides tests/data).

BUILD_DIR  ?= build
JOBS       ?= 2
CMAKE_ARGS ?=
PYTHON     ?= /usr/bin/python3
VENV       := .venv
VPY        := $(CURDIR)/$(VENV)/bin/python
VINA_EXAMPLES ?= /work/shared/data/vina_examples/basic_docking

DEB_PACKAGES := cmake g++ make libgtest-dev pybind11-dev librdkit-dev python3-rdkit rdkit-data \
                python3-venv python3-dev python3-numpy python3-pytest python3-setuptools python3-wheel \
                libboost-dev libinchi-dev autodock-vina python3-pdbfixer python3-simtk
# Campaigns (python/vscreen/campaign): tables, plots, configs, progress, Dask, the example notebook's test.
DEB_PACKAGES += python3-pandas python3-matplotlib python3-yaml python3-tqdm python3-dask python3-distributed \
                python3-nbclient python3-nbformat python3-ipykernel
# Refinement (python/vscreen/refine): OpenMM's CPU platform (python3-simtk alone has only Reference); the C++
# library vscreen::refine builds against the same OpenMM 7.7 (libopenmm-dev).
DEB_PACKAGES += libopenmm-plugins libopenmm-dev
# Reference preparation for AutoDock Vina in benchmarks/redock_smiles_benchmark.py (never used by the product).
DEB_PACKAGES += openbabel
# Homology models (python/vscreen/homology): Biopython's FASTA reader and pairwise aligner (BLOSUM62).
DEB_PACKAGES += python3-biopython
DEMO_DATA := tests/data/1iep_receptor.pdbqt tests/data/1iep_ligand.pdbqt tests/data/1iep_ligand.sdf

.PHONY: all deps build python test test-sanitize fuzz demo demo-redock gpu-kit clean

all: deps build python

# Installs only the Debian packages that are missing; apt-get update runs once, and only if something is.
deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "deps: missing$$missing and not root (no sudo); install them and re-run" >&2; exit 1; fi; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

# The venv sees Debian's python3-rdkit and numpy (same RDKit build as librdkit-dev).
$(VENV)/bin/python: | deps
	$(PYTHON) -m venv --system-site-packages $(VENV)

$(BUILD_DIR)/CMakeCache.txt: $(VENV)/bin/python | deps
	cmake -S . -B $(BUILD_DIR) -DPython_EXECUTABLE=$(VPY) $(CMAKE_ARGS)

build: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

# Editable install: the package imports python/vscreen/ (where CMake puts _vscreen*.so) in place.
$(VENV)/.vscreen-installed: python/pyproject.toml python/requirements.txt $(VENV)/bin/python
	$(VPY) -m pip install --disable-pip-version-check -q --only-binary=:all: -r python/requirements.txt
	$(VPY) -m pip install --no-build-isolation --no-deps --disable-pip-version-check -q -e python/
	touch $@

python: $(VENV)/.vscreen-installed

test: all
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)
	$(VPY) -m pytest tests/python -q

# Sanitizer builds (cmake/Sanitizers.cmake), without CUDA and the Python module: every C++ test under ASan + UBSan
# (a report fails its test), then the threaded CPU back-end under TSan: docking at 1..N threads (the test that
# compares them), the back-end registry and scoring (TSan runs docking ~20x slower: its other tests take minutes).
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 TSAN_OPTIONS=halt_on_error=1
SAN_CMAKE := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSCREEN_CUDA=OFF -DVSCREEN_PYTHON=OFF -DVSCREEN_BENCHMARKS=OFF
test-sanitize: deps
	cmake -S . -B build-asan -DVSCREEN_SANITIZE=address $(SAN_CMAKE)
	cmake --build build-asan -j$(JOBS)
	env $(SAN_ENV) ctest --test-dir build-asan --output-on-failure -j$(JOBS)
	cmake -S . -B build-tsan -DVSCREEN_SANITIZE=thread -DVSCREEN_RDKIT=OFF -DVSCREEN_OPENMM=OFF $(SAN_CMAKE)
	cmake --build build-tsan -j$(JOBS) --target test_docking test_backend test_scoring
	env $(SAN_ENV) ctest --test-dir build-tsan --output-on-failure -j$(JOBS) -R '^(Docking\.SameSeedSameBytesAnyThreadCount|Backend\..*|Scoring\..*)$$'

# Fuzzing (clang's libFuzzer; not part of make test): build-fuzz, seed corpora cut from tests/data and FUZZ_DATA,
# FUZZ_SECONDS per target, then the Python campaign readers under atheris (python/requirements-fuzz.txt).
FUZZ_SECONDS ?= 60
FUZZ_DATA    ?= ../shared/data
fuzz: deps $(VENV)/bin/python
	@command -v clang++ >/dev/null || { echo "fuzz: needs clang (Debian: apt-get install clang)" >&2; exit 1; }
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVSCREEN_FUZZ=ON \
	  -DVSCREEN_CUDA=OFF -DVSCREEN_PYTHON=OFF -DVSCREEN_TESTS=OFF -DVSCREEN_BENCHMARKS=OFF -DVSCREEN_OPENMM=OFF
	cmake --build build-fuzz -j$(JOBS)
	$(PYTHON) tests/fuzz/make_corpus.py --data tests/data $(if $(wildcard $(FUZZ_DATA)),--data $(FUZZ_DATA)) \
	  --out build-fuzz/corpus
	tests/fuzz/run_fuzz.sh build-fuzz build-fuzz/corpus $(FUZZ_SECONDS)
	$(VPY) -m pip install --disable-pip-version-check -q -r python/requirements-fuzz.txt
	$(VPY) tests/fuzz/fuzz_campaign_readers.py --seconds $(FUZZ_SECONDS) --data tests/data \
	  $(if $(wildcard $(FUZZ_DATA)),--data $(FUZZ_DATA)) --work build-fuzz/python

# The GPU device check's kit (benchmarks/gpu/README.md): receptors, prepared drugs, redocking complexes and the CPU's
# reference results in one ignored folder, carried to the GPU machine for benchmarks/gpu/run_device_checks.sh.
SHARED_DATA ?= ../shared/data
GPU_KIT     ?= $(BUILD_DIR)/gpu-kit
gpu-kit: all
	$(VPY) benchmarks/gpu/make_gpu_kit.py --data $(SHARED_DATA) --out $(GPU_KIT) --app $(BUILD_DIR)/bin/vscreen-dock \
	    --receptor-cache $(BUILD_DIR)/receptor-cache

# Demo data are committed in tests/data; this copies them from the Vina examples only if absent.
tests/data/%:
	@test -f $(VINA_EXAMPLES)/$* || { echo "missing tests/data/$* (and $(VINA_EXAMPLES)/$*)" >&2; exit 1; }
	cp $(VINA_EXAMPLES)/$* $@

# The campaign demo: bundled approved drugs (DrugBank, CC BY-NC 4.0) screened against SARS-CoV-2 Mpro (6LU7).
demo: all
	rm -rf $(BUILD_DIR)/demo-campaign
	$(VENV)/bin/vscreen demo --out $(BUILD_DIR)/demo-campaign

# Imatinib (STI-571) redocked into Abl kinase (PDB 1IEP), Vina's basic docking example box, Vina's step count.
demo-redock: all $(DEMO_DATA)
	@mkdir -p $(BUILD_DIR)/demo
	$(VENV)/bin/vscreen dock --receptor tests/data/1iep_receptor.pdbqt --ligand tests/data/1iep_ligand.pdbqt \
	  --center 15.190 53.903 16.917 --size 20 20 20 --search detail --seed 42 \
	  --out $(BUILD_DIR)/demo/1iep_ligand_out.pdbqt
	@$(VPY) -c "import numpy as np, vscreen as v; \
	  a = v.read_ligand_pdbqt_file('tests/data/1iep_ligand.pdbqt'); \
	  b = v.read_ligand_pdbqt_file('$(BUILD_DIR)/demo/1iep_ligand_out.pdbqt'); h = np.array(a.elements) > 1; \
	  print('Mode 1: heavy-atom RMSD to the crystal pose %.2f A' % np.sqrt(((a.coords[h] - b.coords[h])**2).sum(1).mean()))"

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz $(VENV) python/vscreen/_vscreen*.so python/*.egg-info
	find python tests/python -name __pycache__ -type d -prune -exec rm -rf {} +
