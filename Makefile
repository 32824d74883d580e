# Build, test and demo of vscreen: Debian packages, the CMake build in build/, and a venv with the package.
#   make        deps + C++ build + .venv with the editable Python package
#   make test   ctest + pytest          make demo   screen approved drugs against Mpro (6LU7), print the top hits
#   make gpu-kit  the GPU device check's kit in build/gpu-kit (benchmarks/gpu/README.md)
# Variables: BUILD_DIR (build), JOBS (2), CMAKE_ARGS (extra -D options), PYTHON (/usr/bin/python3).

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

.PHONY: all deps build python test demo demo-redock gpu-kit clean

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

# Imatinib (STI-571) redocked into Abl kinase (PDB 1IEP), Vina's basic docking example box.
demo-redock: all $(DEMO_DATA)
	@mkdir -p $(BUILD_DIR)/demo
	$(VENV)/bin/vscreen dock --receptor tests/data/1iep_receptor.pdbqt --ligand tests/data/1iep_ligand.pdbqt \
	  --center 15.190 53.903 16.917 --size 20 20 20 --exhaustiveness 8 --seed 42 \
	  --out $(BUILD_DIR)/demo/1iep_ligand_out.pdbqt
	@$(VPY) -c "import numpy as np, vscreen as v; \
	  a = v.read_ligand_pdbqt_file('tests/data/1iep_ligand.pdbqt'); \
	  b = v.read_ligand_pdbqt_file('$(BUILD_DIR)/demo/1iep_ligand_out.pdbqt'); h = np.array(a.elements) > 1; \
	  print('Mode 1: heavy-atom RMSD to the crystal pose %.2f A' % np.sqrt(((a.coords[h] - b.coords[h])**2).sum(1).mean()))"

clean:
	rm -rf $(BUILD_DIR) $(VENV) python/vscreen/_vscreen*.so python/*.egg-info
	find python tests/python -name __pycache__ -type d -prune -exec rm -rf {} +
