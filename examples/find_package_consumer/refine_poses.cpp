// Refines the poses of an SDF against a receptor with vscreen::refine and prints one tab-separated row per pose.
//
//   refine_poses RECEPTOR_H.pdb RECEPTOR_FF14SB.xml POSES.sdf [workers] [max_iterations] [platform: auto] [OUT.sdf]
//
// The receptor files come from the Python stage: `vscreen refine --receptor R.pdb --export-system R.xml` writes
// the ff14SB System of the prepared receptor and the prepared PDB beside it.
#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/FileParsers/MolWriters.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>

#include <vscreen/refine/openmm_energy.hpp>
#include <vscreen/refine/refine_batch.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: refine_poses RECEPTOR_H.pdb RECEPTOR.xml POSES.sdf [workers] [max_iterations] "
                     "[platform] [OUT.sdf]\n";
        return 2;
    }
    try {
        auto receptor = std::make_shared<const vscreen::ReceptorModel>(vscreen::ReceptorModel::load(argv[1], argv[2]));
        vscreen::RefineSettings settings;
        const int workers = argc > 4 ? std::stoi(argv[4]) : 1;
        if (argc > 5) settings.max_iterations = std::stoi(argv[5]);
        if (argc > 6) settings.platform = argv[6];

        RDKit::SDMolSupplier sdf(argv[3], true, false);
        std::vector<std::unique_ptr<RDKit::ROMol>> mols;
        std::vector<std::string> names;
        while (!sdf.atEnd()) {
            std::unique_ptr<RDKit::ROMol> mol;
            try {
                mol.reset(sdf.next());
            } catch (const std::exception&) {
            }
            std::string name = "record " + std::to_string(mols.size() + 1);
            if (mol && mol->hasProp("_Name") && !mol->getProp<std::string>("_Name").empty())
                name = mol->getProp<std::string>("_Name");
            if (mol) mol.reset(RDKit::MolOps::addHs(*mol, false, true));  // hydrogens a docking pose lacks
            mols.push_back(std::move(mol));
            names.push_back(name);
        }
        std::vector<const RDKit::ROMol*> poses;
        for (const auto& m : mols) poses.push_back(m.get());
        const auto outcomes = vscreen::refine_batch(receptor, poses, settings, workers);
        std::cerr << "refine_poses: " << outcomes.size() << " pose(s) on OpenMM "
                  << vscreen::resolve_platform_name(settings.platform) << ", " << workers << " worker(s)\n";

        if (argc > 7) {  // the refined poses, with their results as SD properties
            RDKit::SDWriter out(argv[7]);
            for (size_t i = 0; i < outcomes.size(); ++i)
                if (outcomes[i].ok) out.write(*vscreen::refined_molecule(*poses[i], outcomes[i].pose));
        }
        std::printf("name\tstatus\tdg_mmgbsa\tcoulomb\tvdw\tgb\tligand_strain\trmsd_minimised\tseconds\terror\n");
        for (size_t i = 0; i < outcomes.size(); ++i) {
            const auto& o = outcomes[i];
            if (o.ok) {
                const auto& e = o.pose.mmgbsa;
                std::printf("%s\tok\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t\n", names[i].c_str(), e.dg, e.coulomb,
                            e.vdw, e.gb, o.pose.ligand_strain, o.pose.rmsd_minimised, o.seconds);
            } else {
                std::printf("%s\tfailed\t\t\t\t\t\t\t%.1f\t%s: %s\n", names[i].c_str(), o.seconds, o.stage.c_str(),
                            o.error.c_str());
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "refine_poses: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
