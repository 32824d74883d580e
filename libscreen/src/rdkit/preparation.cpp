// The ligand preparation pipeline: parse, standardise, protonate, enumerate stereo, embed, build, on threads.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "preparation_steps.hpp"
#include "rdkit_common.hpp"
#include "vscreen/detail/parallel.hpp"
#include "vscreen/error.hpp"
#include "vscreen/preparation.hpp"

namespace vscreen {

namespace {

std::string display_name(const MoleculeInput& in, size_t index) {
    if (!in.id.empty()) return in.id;
    if (!in.name.empty()) return in.name;
    return "molecule " + std::to_string(index + 1);
}

PreparedLigand entry_for(const MoleculeInput& in, size_t index) {
    PreparedLigand p;
    p.input_index = static_cast<int>(index);
    p.id = in.id;
    p.name = in.name;
    p.source = in.source;
    return p;
}

/// All prepared forms of one input; throws InputError with the reason when none can be made. Adds the CPU time of
/// each step to `t`.
std::vector<PreparedLigand> prepare_one(const MoleculeInput& in, size_t index, const PreparationOptions& opt,
                                        PreparationTimings& t) {
    std::optional<detail::StageTimer> clock(std::in_place, t.parse);
    detail::MolPtr parsed = detail::parse_molecule(in);
    std::string key;
    clock.emplace(t.inchikey);
    try {
        key = detail::inchikey_of(*parsed);
    } catch (const std::exception&) {
        // an InChIKey is an identifier for de-duplication, not a condition of docking
    }
    clock.reset();
    detail::MolPtr mol = detail::standardize(*parsed, opt, t);
    clock.emplace(t.protonate);
    const unsigned heavy = mol->getNumHeavyAtoms();
    bool has_carbon = false;
    for (const RDKit::Atom* a : mol->atoms()) has_carbon = has_carbon || a->getAtomicNum() == 6;
    if (!has_carbon) fail("inorganic (no carbon atom in the largest fragment); not a docking ligand");
    if (heavy < 3) fail("too small: ", heavy, " heavy atom(s); at least 3 are needed to dock");
    if (static_cast<int>(heavy) > opt.max_heavy_atoms)
        fail("too large: ", heavy, " heavy atoms (max_heavy_atoms ", opt.max_heavy_atoms, ")");
    const std::string name = display_name(in, index);
    detail::require_supported_elements(*mol, name);  // before any 3D work: the docking typing would refuse it
    if (opt.protonate) detail::protonate_for_ph74(*mol);

    clock.emplace(t.stereo);
    std::vector<detail::MolPtr> isomers = detail::enumerate_stereoisomers(*mol, opt.max_stereoisomers, opt.seed);
    clock.reset();
    std::vector<PreparedLigand> out;
    std::string last_error;
    // several isomers: their open centres were assigned without regard to ring geometry, and one a ring system
    // cannot take fails at once (the molecule as given is embedded below if none can be made)
    const bool enumerated = isomers.size() > 1;
    for (auto& isomer : isomers) {
        std::vector<detail::MolPtr> forms;
        try {
            forms = detail::embed_forms(*isomer, opt.ring_conformers, opt.seed, t, enumerated);
        } catch (const InputError& e) {
            last_error = e.what();  // e.g. an impossible stereo assignment; the other isomers may embed
            continue;
        }
        detail::StageTimer building(t.build);
        const std::string smiles = RDKit::MolToSmiles(*isomer);
        for (auto& form : forms) {
            PreparedLigand p = entry_for(in, index);
            p.variant = static_cast<int>(out.size());
            p.smiles = smiles;
            p.ring_forms = static_cast<int>(forms.size());
            p.embedding = form->getProp<std::string>(detail::kEmbeddingProperty);
            p.inchikey = key;
            p.ligand = detail::ligand_from_rdkit(*form, name);
            p.ok = true;
            out.push_back(std::move(p));
        }
    }
    if (out.empty()) {
        // Cage and bridged ring systems (adamantanes, quinuclidines) have bridgeheads that look like open
        // stereocentres but cannot be set freely; every sampled assignment can be impossible. Embed the molecule
        // as it is then: the geometry fixes those centres.
        std::vector<detail::MolPtr> forms;
        try {
            forms = detail::embed_forms(*mol, opt.ring_conformers, opt.seed, t);
        } catch (const InputError& e) {
            fail(last_error.empty() ? std::string(e.what()) : last_error);
        }
        detail::StageTimer building(t.build);
        for (auto& form : forms) {
            PreparedLigand p = entry_for(in, index);
            p.variant = static_cast<int>(out.size());
            {
                RDKit::RWMol heavy_only(*form);
                RDKit::MolOps::assignStereochemistryFrom3D(heavy_only);
                RDKit::MolOps::removeHs(heavy_only);
                p.smiles = RDKit::MolToSmiles(heavy_only);
            }
            p.ring_forms = static_cast<int>(forms.size());
            p.embedding = form->getProp<std::string>(detail::kEmbeddingProperty);
            p.inchikey = key;
            p.ligand = detail::ligand_from_rdkit(*form, name);
            p.ok = true;
            out.push_back(std::move(p));
        }
    }
    return out;
}

}  // namespace

int docking_chains(int ring_forms, int exhaustiveness) {
    if (exhaustiveness < 1) fail("exhaustiveness must be at least 1, got ", exhaustiveness);
    const int shapes = std::max(1, ring_forms);
    return std::max(1, (exhaustiveness + shapes - 1) / shapes);
}

std::vector<PreparedLigand> prepare_ligands(const std::vector<MoleculeInput>& inputs, const PreparationOptions& opt) {
    if (opt.max_stereoisomers < 1) fail("max_stereoisomers must be at least 1 (got ", opt.max_stereoisomers, ")");
    if (opt.ring_conformers < 1) fail("ring_conformers must be at least 1 (got ", opt.ring_conformers, ")");
    if (opt.max_heavy_atoms < 1) fail("max_heavy_atoms must be at least 1 (got ", opt.max_heavy_atoms, ")");
    for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string& f = inputs[i].format;
        if (f != "smiles" && f != "inchi" && f != "molblock" && f != "mol2")
            fail("input ", i + 1, ": unknown molecule format '", f, "' (smiles, inchi, molblock or mol2)");
    }
    std::vector<std::vector<PreparedLigand>> per_input(inputs.size());
    detail::QuietRdkit quiet;  // RDKit logs parse problems to stderr; they are reported in the entries instead
    detail::parallel_for(static_cast<long>(inputs.size()), opt.threads, [&](long i, int) {
        const MoleculeInput& in = inputs[static_cast<size_t>(i)];
        PreparationTimings timings;
        try {
            per_input[i] = prepare_one(in, static_cast<size_t>(i), opt, timings);
        } catch (const std::exception& e) {
            PreparedLigand p = entry_for(in, static_cast<size_t>(i));
            p.error = e.what();
            if (p.error.empty()) p.error = "preparation failed";
            per_input[i] = {std::move(p)};
        }
        per_input[i].front().timings = timings;
    });
    std::vector<PreparedLigand> out;
    for (auto& v : per_input)
        for (auto& p : v) out.push_back(std::move(p));
    return out;
}

std::string inchikey(const MoleculeInput& input) {
    if (!has_inchi_support()) fail("InChIKeys are not supported by this build (no IUPAC InChI library)");
    detail::QuietRdkit quiet;
    detail::MolPtr mol = detail::parse_molecule(input);
    std::string key = detail::inchikey_of(*mol);
    if (key.empty()) fail("no InChIKey could be computed for this molecule");
    return key;
}

}  // namespace vscreen
