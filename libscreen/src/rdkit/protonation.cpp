// Charge states at pH 7.4 by substructure rules: acids deprotonated, aliphatic amines and amidines protonated.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

/// One rule: a SMARTS whose atom `site` (0-based in the pattern) takes charge `charge` (+1 gains, -1 loses an H).
struct ChargeRule {
    const char* name;
    const char* smarts;
    int site;
    int charge;
};

// pKa-based rules for pH 7.4. Acids first, then bases; a base is not protonated within three bonds of a
// cation already set (piperazine, ethylenediamine and biguanide take one proton).
constexpr ChargeRule kRules[] = {
    {"carboxylic acid", "[CX3](=O)[OX2H1]", 2, -1},
    {"sulfonic acid", "[SX4](=O)(=O)[OX2H1]", 3, -1},
    {"phosphonic acid", "[PX4](=O)[OX2H1]", 2, -1},
    {"tetrazole", "[nH;$([nH]1nnnc1),$([nH]1nncn1)]", 0, -1},
    {"acyl sulfonamide", "[CX3](=O)[NX3H1][SX4](=O)=O", 2, -1},
    {"amidine/guanidine",
     "[NX2;+0;!$(N-[#6,#7,#8,#15,#16]=[O,S,N]);!$(N-C#N);!$(N-[#7,#8,#16]);!$(N-a)]"
     "=[CX3;!a;!$(C-[O,S])]-[NX3;+0;!$(N-[#6,#16,#15]=[O,S])]",
     0, +1},
    {"aliphatic amine",
     "[NX3;+0;!$(N-[!#6;!#1]);!$(N-[#6]=*);!$(N-[#6]#*);!$(N-a);!$(N-[#6](-F)(-F))]", 0, +1},
};

struct CompiledRule {
    const ChargeRule* rule;
    std::unique_ptr<RDKit::ROMol> query;
};

std::vector<CompiledRule> compile_rules() {
    std::vector<CompiledRule> out;
    for (const ChargeRule& r : kRules) {
        std::unique_ptr<RDKit::ROMol> q(RDKit::SmartsToMol(r.smarts));
        if (!q) fail<Error>("internal error: protonation rule '", r.name, "' has an invalid SMARTS");
        out.push_back({&r, std::move(q)});
    }
    return out;
}

void change_charge(RDKit::Atom& atom, int delta) {
    atom.setFormalCharge(atom.getFormalCharge() + delta);
    // hydrogens written in brackets are explicit counts; implicit ones follow the charge on their own
    if (atom.getNoImplicit() || atom.getNumExplicitHs() > 0) {
        const int h = static_cast<int>(atom.getNumExplicitHs()) + delta;
        atom.setNumExplicitHs(h < 0 ? 0 : static_cast<unsigned>(h));
    }
}

}  // namespace

void protonate_for_ph74(RDKit::RWMol& mol) {
    // recursive SMARTS queries cache state; one compiled set per thread keeps matching thread-safe
    thread_local const std::vector<CompiledRule> rules = compile_rules();
    const double* dist = RDKit::MolOps::getDistanceMat(mol);
    const unsigned n = mol.getNumAtoms();
    std::vector<unsigned> cations;
    std::vector<char> changed(n, 0);
    for (const CompiledRule& cr : rules) {
        std::vector<RDKit::MatchVectType> matches;
        RDKit::SubstructMatch(mol, *cr.query, matches);
        for (const auto& match : matches) {
            const unsigned idx = static_cast<unsigned>(match[cr.rule->site].second);
            if (changed[idx]) continue;
            RDKit::Atom* atom = mol.getAtomWithIdx(idx);
            if (cr.rule->charge > 0) {
                bool near = false;
                for (unsigned c : cations) near = near || dist[idx * n + c] <= 3.0;
                if (near) continue;
                cations.push_back(idx);
            } else if (std::string(cr.rule->name) == "phosphonic acid") {
                // one proton off per phosphorus
                const unsigned p = static_cast<unsigned>(match[0].second);
                bool done = false;
                for (const RDKit::Atom* nb : mol.atomNeighbors(mol.getAtomWithIdx(p)))
                    done = done || nb->getFormalCharge() < 0;
                if (done) continue;
            }
            change_charge(*atom, cr.rule->charge);
            changed[idx] = 1;
        }
    }
    mol.updatePropertyCache(false);
    RDKit::MolOps::sanitizeMol(mol);
}

}  // namespace vscreen::detail
