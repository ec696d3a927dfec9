-- chousa export: dictionaries over the files beside this one.  ClickHouse
-- reads FILE sources from its user_files directory: export there, or
-- copy the files and change the paths.
CREATE DATABASE IF NOT EXISTS chousa;

-- 243 entries
CREATE OR REPLACE DICTIONARY chousa.ip_intel
(
    prefix String,
    family String DEFAULT '',
    family_name String DEFAULT '',
    confidence Int16 DEFAULT -1,
    first_seen DateTime('UTC') DEFAULT 0,
    last_seen DateTime('UTC') DEFAULT 0,
    sources String DEFAULT '',
    reference String DEFAULT ''
)
PRIMARY KEY prefix
SOURCE(FILE(path 'o/clickhouse/ip_trie.tsv' format 'TabSeparatedWithNames'))
LAYOUT(IP_TRIE())
LIFETIME(MIN 3600 MAX 7200);

-- 1 entries
CREATE OR REPLACE DICTIONARY chousa.domain_intel
(
    domain String,
    family String DEFAULT '',
    family_name String DEFAULT '',
    confidence Int16 DEFAULT -1,
    first_seen DateTime('UTC') DEFAULT 0,
    last_seen DateTime('UTC') DEFAULT 0,
    sources String DEFAULT '',
    reference String DEFAULT ''
)
PRIMARY KEY domain
SOURCE(FILE(path 'o/clickhouse/domains.tsv' format 'TabSeparatedWithNames'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 3600 MAX 7200);

-- 16 entries
CREATE OR REPLACE DICTIONARY chousa.url_intel
(
    url String,
    family String DEFAULT '',
    family_name String DEFAULT '',
    confidence Int16 DEFAULT -1,
    first_seen DateTime('UTC') DEFAULT 0,
    last_seen DateTime('UTC') DEFAULT 0,
    sources String DEFAULT '',
    reference String DEFAULT ''
)
PRIMARY KEY url
SOURCE(FILE(path 'o/clickhouse/urls.tsv' format 'TabSeparatedWithNames'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 3600 MAX 7200);

-- 5 entries
CREATE OR REPLACE DICTIONARY chousa.hash_intel
(
    hash String,
    family String DEFAULT '',
    family_name String DEFAULT '',
    confidence Int16 DEFAULT -1,
    first_seen DateTime('UTC') DEFAULT 0,
    last_seen DateTime('UTC') DEFAULT 0,
    sources String DEFAULT '',
    reference String DEFAULT ''
)
PRIMARY KEY hash
SOURCE(FILE(path 'o/clickhouse/hashes.tsv' format 'TabSeparatedWithNames'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 3600 MAX 7200);
