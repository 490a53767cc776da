#include "persistence/store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/rate_limiter.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace rkgate::persistence {

namespace {

constexpr std::array<table, 8> all_tables = {table::orders,   table::idempotency, table::tables,
                                             table::licenses, table::outbox,      table::events,
                                             table::meta,     table::live_orders};

rocksdb::Slice slice(std::string_view text) { return rocksdb::Slice(text.data(), text.size()); }

/// Options for a store that may hold millions of orders while the gateway
/// reads only a few of them: memory stays bounded by one shared block cache
/// (index and filter blocks included) whatever the size of the database, and
/// Bloom filters answer "absent" without reading data blocks.
rocksdb::Options store_options() {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(32 << 20);
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_size = 16 << 10;
  rocksdb::Options options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  // Open must not read every table file's statistics (slow on a big store).
  options.skip_stats_update_on_db_open = true;
  options.skip_checking_sst_file_sizes_on_db_open = true;
  // A WAL sync is on the order path (docs/architecture.md, "Crash safety"). On
  // ext4 it also waits for other files' dirty data, so table files written by
  // flushes and compactions are pushed to disk as they grow (1 MiB at a time)
  // and at a bounded rate, instead of in bursts a WAL sync would wait behind.
  options.bytes_per_sync = 1 << 20;
  // Memtables are bounded for the whole store (64 MiB over every column family,
  // 8 MiB each) instead of RocksDB's 64 MiB per family and memtable, which let
  // them grow with the number of families: after the postorder bench's
  // saturation phase rkgate held 465-523 MB instead of 566-575 MB
  // (docs/performance-log.md).
  options.write_buffer_size = 8 << 20;
  options.db_write_buffer_size = 64 << 20;
  options.rate_limiter.reset(rocksdb::NewGenericRateLimiter(64 << 20));
  return options;
}

} // namespace

struct store::impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles; ///< every family the DB holds
  std::array<rocksdb::ColumnFamilyHandle*, all_tables.size()> by_table{};

  rocksdb::ColumnFamilyHandle* family(table t) const {
    return by_table[static_cast<std::size_t>(t)];
  }

  ~impl() {
    if (!db)
      return;
    for (auto* handle : handles)
      db->DestroyColumnFamilyHandle(handle);
    db->Close();
  }
};

std::unique_ptr<store> store::open(const std::string& path, std::string* error) {
  const rocksdb::Options options = store_options();

  // Open every family already there (Open refuses to leave one out) plus ours.
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, path, &names).ok())
    names.clear(); // a new database
  if (std::find(names.begin(), names.end(), rocksdb::kDefaultColumnFamilyName) == names.end())
    names.push_back(rocksdb::kDefaultColumnFamilyName);
  for (table t : all_tables)
    if (std::find(names.begin(), names.end(), to_string(t)) == names.end())
      names.emplace_back(to_string(t));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names)
    families.emplace_back(name, rocksdb::ColumnFamilyOptions(options));

  auto state = std::make_unique<impl>();
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, families, &state->handles, &db);
  if (!status.ok()) {
    if (error)
      *error = "cannot open the database at " + path + ": " + status.ToString();
    return nullptr;
  }
  state->db.reset(db);
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t k = 0; k < all_tables.size(); ++k)
      if (names[i] == to_string(all_tables[k]))
        state->by_table[k] = state->handles[i];
  return std::unique_ptr<store>(new store(std::move(state)));
}

store::store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

store::~store() = default;

bool store::write(const write_batch& batch, bool sync, std::string* error) {
  rocksdb::WriteBatch rocks_batch;
  for (const auto& op : batch.ops()) {
    const rocksdb::Status status =
        op.value ? rocks_batch.Put(impl_->family(op.t), op.key, *op.value)
                 : rocks_batch.Delete(impl_->family(op.t), op.key);
    if (!status.ok()) {
      if (error)
        *error = status.ToString();
      return false;
    }
  }
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status status = impl_->db->Write(options, &rocks_batch);
  if (!status.ok()) {
    if (error)
      *error = "write failed: " + status.ToString();
    return false;
  }
  return true;
}

std::optional<std::uint64_t> store::sync_wal(std::string* error) {
  // Read before the sync: every write up to here is in the WAL file it syncs.
  const std::uint64_t covered = last_sequence();
  const rocksdb::Status status = impl_->db->SyncWAL();
  if (!status.ok()) {
    if (error)
      *error = "WAL sync failed: " + status.ToString();
    return std::nullopt;
  }
  return covered;
}

std::uint64_t store::last_sequence() const {
  return impl_->db->GetLatestSequenceNumber();
}

std::optional<std::string> store::get(table t, std::string_view key) const {
  std::string value;
  const rocksdb::Status status =
      impl_->db->Get(rocksdb::ReadOptions(), impl_->family(t), slice(key), &value);
  if (status.IsNotFound())
    return std::nullopt;
  if (!status.ok()) // I/O error or corruption: not the same as "absent"
    throw std::runtime_error(std::string("read from ") + to_string(t)
                             + " failed: " + status.ToString());
  return value;
}

void store::scan(table t, std::string_view prefix,
                 const std::function<bool(std::string_view, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->family(t)));
  for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(slice(prefix)))
      break;
    const rocksdb::Slice value = it->value();
    if (!visit(std::string_view(key.data(), key.size()),
               std::string_view(value.data(), value.size())))
      return;
  }
  if (!it->status().ok())
    throw std::runtime_error(std::string("scan of ") + to_string(t)
                             + " failed: " + it->status().ToString());
}

bool store::may_contain(table t, std::string_view key) const {
  std::string ignored;
  // KeyMayExist reads only what is already in memory (it never does I/O).
  return impl_->db->KeyMayExist(rocksdb::ReadOptions(), impl_->family(t), slice(key), &ignored);
}

bool store::flush(std::string* error) {
  rocksdb::FlushOptions options;
  options.wait = true;
  for (auto* handle : impl_->handles) {
    const rocksdb::Status status = impl_->db->Flush(options, handle);
    if (!status.ok()) {
      if (error)
        *error = "flush failed: " + status.ToString();
      return false;
    }
  }
  return true;
}

} // namespace rkgate::persistence
