// Energy of a ligand in MMFF94 with OBC2 implicit solvent (the E_ligand of MM-GBSA) through vscreen::refine.
#include <GraphMol/GraphMol.h>
#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/MolOps.h>

#include <cstdio>
#include <exception>
#include <memory>

#include "vscreen/refine/implicit_solvent.hpp"
#include "vscreen/refine/mmff_openmm.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s LIGAND.sdf\n", argv[0]);
        return 2;
    }
    try {
        RDKit::SDMolSupplier sdf(argv[1], true, false);
        std::unique_ptr<RDKit::ROMol> raw(sdf.next());
        if (!raw) {
            std::fprintf(stderr, "error: %s: no molecule\n", argv[1]);
            return 1;
        }
        std::unique_ptr<RDKit::ROMol> mol(RDKit::MolOps::addHs(*raw, false, true));
        std::printf("E_MMFF94 %.4f E_ligand %.4f kcal/mol\n", vscreen::openmm_mmff_energy(*mol),
                    vscreen::ligand_obc2_energy(*mol));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
