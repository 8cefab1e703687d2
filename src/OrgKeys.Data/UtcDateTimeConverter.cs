using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OrgKeys.Data;

/// <summary>SQLite returns unspecified-kind dates; mark them UTC so they serialize with a Z.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
