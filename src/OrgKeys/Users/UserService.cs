using System.Net.Mail;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OrgKeys.Authentication.Caching;
using OrgKeys.Data;
using OrgKeys.Data.Entities;
using OrgKeys.Infrastructure;

namespace OrgKeys.Users;

public sealed record UserCreateResult(int Id, int StatusCode, string? Error);

/// <summary>Creates users and checks passwords (ASP.NET Core Identity's PBKDF2 hasher).</summary>
public sealed partial class UserService(OrgKeysDbContext db, IPasswordHasher<User> hasher, AuthCache cache, TimeProvider time)
{
    /// <summary>NIST SP 800-63B-4: at least 15 characters for a password used alone.</summary>
    public const int MinPasswordLength = 15;
    public const int MaxPasswordLength = 256;
    public const string WrongCurrentPassword = "'currentPassword' is not your current password.";

    // Verified against when the user does not exist, so both failures cost the same time.
    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "orgkeys-dummy-password");

    public static string Normalize(string value) => value.Trim().ToUpperInvariant();

    public async Task<UserCreateResult> CreateAsync(string? username, string? email, string? name, string? password, CancellationToken cancellationToken)
    {
        var error = Validate(username, email, name, password);
        if (error is not null)
        {
            return new UserCreateResult(0, StatusCodes.Status400BadRequest, error);
        }

        var user = new User
        {
            Username = username!.Trim(),
            NormalizedUsername = Normalize(username),
            Email = email!.Trim(),
            NormalizedEmail = Normalize(email),
            Name = name!.Trim(),
            PasswordHash = "",
            Created = time.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = hasher.HashPassword(user, password!);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == user.NormalizedUsername || u.NormalizedEmail == user.NormalizedEmail, cancellationToken))
        {
            return new UserCreateResult(0, StatusCodes.Status409Conflict, "That username or e-mail address is already taken.");
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(user).State = EntityState.Detached;
            return new UserCreateResult(0, StatusCodes.Status409Conflict, "That username or e-mail address is already taken.");
        }

        return new UserCreateResult(user.Id, StatusCodes.Status200OK, null);
    }

    /// <summary>The user for a username or e-mail and password, or null; same cost either way.</summary>
    public async Task<User?> CheckPasswordAsync(string usernameOrEmail, string password, CancellationToken cancellationToken)
    {
        var normalized = Normalize(usernameOrEmail);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized, cancellationToken);
        if (user is null || user.Disabled)
        {
            hasher.VerifyHashedPassword(null!, DummyHash, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.LastSeen = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>Ends every session of the user: their JWTs name the old session version.</summary>
    public async Task<bool> EndSessionsAsync(int userId, CancellationToken cancellationToken)
    {
        var ended = await db.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1), cancellationToken) > 0;
        await cache.PublishAsync(AuthChange.User(userId), db);
        return ended;
    }

    /// <summary>Changes the password after checking the current one, and ends every session; the error says why not.</summary>
    public async Task<string?> ChangePasswordAsync(int userId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        if (newPassword is null || newPassword.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            return $"'newPassword' must be {MinPasswordLength} to {MaxPasswordLength} characters.";
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled, cancellationToken);
        if (user is null || currentPassword is null || currentPassword.Length > MaxPasswordLength
            || hasher.VerifyHashedPassword(user, user.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
        {
            return WrongCurrentPassword;
        }

        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.SessionVersion++;
        await db.SaveChangesAsync(cancellationToken);
        await cache.PublishAsync(AuthChange.User(userId), db);
        return null;
    }

    /// <summary>Disables or enables a user by username or e-mail; disabling ends their sessions at once.</summary>
    public async Task<bool> SetDisabledAsync(string usernameOrEmail, bool disabled, CancellationToken cancellationToken)
    {
        var normalized = Normalize(usernameOrEmail);
        var user = db.Users.Where(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized);
        var userId = await user.Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
        if (userId is null)
        {
            return false;
        }

        await user.ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, disabled)
            .SetProperty(u => u.SessionVersion, u => u.SessionVersion + 1), cancellationToken);
        await cache.PublishAsync(AuthChange.User(userId.Value), db);
        return true;
    }

    public static string? Validate(string? username, string? email, string? name, string? password)
    {
        if (username is null || !UsernamePattern().IsMatch(username))
        {
            return "'username' must be 3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }

        if (email is null || email.Length > 254 || !MailAddress.TryCreate(email, out var address) || address.Address != email.Trim())
        {
            return "'email' must be a valid e-mail address.";
        }

        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 128)
        {
            return "'name' is required and must be at most 128 characters.";
        }

        if (ClientText.RefuseControlCharacters("name", name) is { } nameError)
        {
            return nameError;
        }

        return password is null || password.Length is < MinPasswordLength or > MaxPasswordLength
            ? $"'password' must be {MinPasswordLength} to {MaxPasswordLength} characters."
            : null;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")]
    private static partial Regex UsernamePattern();
}
