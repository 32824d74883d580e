"""Screening campaigns: many targets x one library, streamed in chunks into a resumable campaign directory.

plan (once): readers (SMILES, CSV, SDF, DrugBank XML, UniChem) -> InChIKeys -> DuckDB de-duplication ->
numbered chunk files; then per chunk of a shard: (prepare, dock), locally or on Dask -> one Parquet + one SDF per
(target, chunk) -> DuckDB report.
"""
from __future__ import annotations

from .active_learning import ActiveLearningSettings, run_active_learning
from .chunk_job import COLUMNS, ChunkJob, ChunkOutput, run_chunk_job
from .chunks import Chunk, iter_chunks, parse_shard, shard_chunks
from .config import CampaignConfig, LibrarySpec, TargetSpec, config_from_args, config_from_dict, load_config
from .dedup import DedupStats, KeySet, deduplicate
from .drugbank import read_drugbank_xml
from .errors import CampaignError
from .plan import build_plan
from .planned import PlannedLibrary
from .readers import read_csv, read_library, read_sdf, read_smiles
from .records import MoleculeRecord
from .report import Report, build_report
from .runner import RunSummary, library_records, plan_campaign, run_campaign
from .store import CampaignStore
from .unichem import read_unichem

__all__ = [
    "ActiveLearningSettings", "COLUMNS", "CampaignConfig", "CampaignError", "CampaignStore", "Chunk", "ChunkJob", "ChunkOutput", "DedupStats",
    "KeySet", "LibrarySpec", "MoleculeRecord", "PlannedLibrary", "Report", "RunSummary", "TargetSpec", "build_plan",
    "build_report", "config_from_args", "config_from_dict", "deduplicate", "iter_chunks", "library_records",
    "load_config", "parse_shard", "plan_campaign", "read_csv", "read_drugbank_xml", "read_library", "read_sdf",
    "read_smiles", "read_unichem", "run_active_learning", "run_campaign", "run_chunk_job", "shard_chunks",
]
