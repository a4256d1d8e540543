"""Every file and folder name the project reads or writes, in one place.

Stage: none (constants). Guarantees: no other module spells a catalog or output path by hand.
"""

from __future__ import annotations

from pathlib import Path

# ---- catalog (input) -------------------------------------------------------------------------------------
DEFAULT_CATALOG = Path("catalog")
PORTAL_FILE = "portal.yaml"
RULES_DIR = "rules"
PUBLICATION_RULES_FILE = "rules/publication.yaml"
CALENDAR_FILE = "rules/calendar.yaml"
DATASETS_DIR = "datasets"
DATASET_FILE = "dataset.yaml"
DATASET_SCHEMA_FILE = "schema.yaml"
BATCH_SUFFIXES = (".csv", ".xlsx")
COMMITMENTS_DIR = "commitments"
REPAIRS_FILE = "decisions/repairs.csv"
REVOCATIONS_FILE = "decisions/revocations.csv"

# ---- output ----------------------------------------------------------------------------------------------
DEFAULT_OUT = Path("published")
SITE_DIR = "site"
REPORT_DIR = "report"
STATE_DIR = "state"
LOCK_FILE = ".lock"  # under the output folder: held by the running build (generator.lock)
STAGING_PREFIX = ".staging-"  # under the output folder: a build's work in progress (generator.swap)
TRASH_PREFIX = ".trash-"  # under the output folder: a superseded tree being removed (generator.trash)
CLUSTER_DIR = "cluster"  # under a staging folder: the data a Dask build's workers load (generator.cluster)
DATA_DIR = "data"  # under site/
LATEST_DIR = "data/latest"
RELEASES_DIR = "data/releases"
CATALOG_JSON = "data/catalog.json"
CATALOG_JSONLD = "data/catalog.jsonld"
RELEASES_JSON = "data/releases.json"
BUILD_REPORT_JSON = "build-report.json"
BUILD_REPORT_HTML = "build-report.html"
LEDGER_FILE = "ledger.parquet"
STATE_FILE = "state.json"
HOME_PAGE = "index.html"  # under site/: the portal's home page, built by mkdocs
NOT_FOUND_PAGE = "404.html"  # under site/: mkdocs-material writes it from site_templates/404.html
SEARCH_INDEX_DIR = "search-index"  # under site/: the subject search index (generator.search)
SEARCH_META = "search-index/meta.json"  # under site/: the index's counts (``subjects``: how many are indexed)
SEARCH_SCRIPT = "assets/javascripts/gongshi-search.js"  # under site/
SEARCH_STYLE = "assets/stylesheets/gongshi-search.css"  # under site/, linked by the script
# under site/: folders whose text files get a pre-compressed ``.gz`` twin (web servers' gzip_static): the theme
# assets every page loads and the search index fragments; pages are compressed by the server on the fly
PRECOMPRESSED_DIRS = ("assets", "search-index")
PRECOMPRESSED_SUFFIXES = (".css", ".js", ".json", ".svg")
ALL_DATA_ZIP = "data/latest/all-data.zip"  # under site/: every dataset's latest CSV + one data package
RELEASES_ATOM = "data/releases.atom"  # under site/: Atom feed of data releases
API_SUBJECTS_DIR = "api/subjects"  # under site/: <统一社会信用代码>.json per archive subject (site.api)
API_SUBJECT_SCHEMA = "api/subject.schema.json"  # under site/: the JSON Schema of those files
REPORT_SCRIPT = "assets/javascripts/gongshi-report.js"  # under site/: credit report print time and check page
SHA256_FALLBACK = (
    "assets/javascripts/vendor/js-sha256/sha256.min.js"  # under site/: where crypto.subtle is absent
)
DATAPACKAGE_FILE = "datapackage.json"  # in each data/latest/<dataset>/ and data/releases/<id>/<dataset>/
DELTA_FILE = "delta.jsonl"  # in each data/releases/<id>/
RELEASE_INDEX_FILE = "release-index.parquet"  # under state/: record content hashes of the newest release
BATCH_CACHE_DIR = "batches"  # under state/: each batch file's loaded rows (generator.loading.cache)
BATCH_CACHE_INDEX = "index.json"  # in state/batches/: catalog-relative path → content hash of its entry
SITE_DIGESTS_FILE = "site-digests.parquet"  # under state/: each site file's path, digest, size (outputs)
SITE_DIGESTS_SEAL = "site-digests.json"  # under state/: the map's checksum, version and the site it describes
PAGE_UNITS_FILE = "page-units.parquet"  # under state/: each bulk page unit's path and input key (site.units)
PAGE_UNITS_SEAL = (
    "page-units.json"  # under state/: the table's checksum, fingerprint and the site it describes
)
BUILD_MEMORY_FILE = "build.json"  # under state/: the build's input fingerprint, summary, problems (unchanged)
CHANGES_JSON = "changes.json"  # under report/: site paths added, changed, removed by this build
RELEASE_MANIFEST_FILE = "manifest.json"  # in each data/releases/<id>/: its files with bytes and SHA-256
RELEASE_PACKAGE_FILE = "datapackage.json"  # in each data/releases/<id>/: describes delta.jsonl (Table Schema)
SIGNATURE_SUFFIX = ".sig"  # FILE.sig beside each signed file: releases.json, catalog.json, each manifest
SIGNING_KEY_PUB = "data/signing-key.pub"  # under site/: the public key that verifies the signatures

# ---- a consumer's copy (gongshi mirror DEST) -----------------------------------------------------------------
MIRROR_COPY_DIR = "copy"  # under DEST: the mirrored records, replaced as a whole after each verified update
MIRROR_STATE_FILE = "mirror.json"  # in DEST/copy/: the release held, the source, the pinned public key
MIRROR_RECORDS_SUFFIX = ".jsonl"  # DEST/copy/<dataset>.jsonl: the dataset's records, sorted by 记录ID

# ---- packaged resources ----------------------------------------------------------------------------------
PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_SCHEMAS_DIR = PACKAGE_DIR / "schemas"
PROBLEM_CODES_DIR = PACKAGE_DIR / "problem_codes"  # one YAML file per stage: code → level, zh, en
REPO_DIR = PACKAGE_DIR.parent  # the checkout: mkdocs.yml and site_templates/ live at its root (design layout)
# the portal's mkdocs-material configuration (custom_dir: site_templates)
MKDOCS_FILE = REPO_DIR / "mkdocs.yml"
