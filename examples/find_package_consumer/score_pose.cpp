// Scores a ligand PDBQT in its given pose against a receptor PDBQT, like `vina --score_only`.
#include <cstdio>
#include <exception>

#include "vscreen/pdbqt.hpp"
#include "vscreen/scoring.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s RECEPTOR.pdbqt LIGAND.pdbqt\n", argv[0]);
        return 2;
    }
    try {
        const vscreen::Receptor receptor = vscreen::read_receptor_pdbqt_file(argv[1]);
        const vscreen::Ligand ligand = vscreen::read_ligand_pdbqt_file(argv[2]);
        std::vector<vscreen::Vec3> coords;
        for (const auto& a : ligand.atoms) coords.push_back(a.coords);
        const vscreen::ExactScorer scorer(receptor, vscreen::ScoringFunction::make(vscreen::ScoringKind::Vina));
        const vscreen::PoseScore s = vscreen::score_pose(scorer, ligand, coords);
        std::printf("affinity %.3f inter %.3f intra %.3f\n", s.affinity, s.inter, s.intra);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
