using OrgKeys.Throttling;

namespace OrgKeys.Users;

/// <summary>
/// A signed-in user's password change, shared by <c>/v1/api/user/change-password</c> and the console's
/// account page so the rule exists once: throttled like sign-in, then <see cref="UserService.ChangePasswordAsync"/>,
/// which ends every session of the user.
/// </summary>
public sealed class PasswordChange(UserService users, LoginThrottle throttle)
{
    /// <summary>Done when both are null; else why not, or how long to wait before trying again.</summary>
    public readonly record struct Outcome(string? Error, TimeSpan? Wait)
    {
        public bool WrongCurrentPassword => Error == UserService.WrongCurrentPassword;
    }

    public async Task<Outcome> ChangeAsync(int userId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        // Throttled like sign-in: a stolen session must not become a free password oracle.
        var account = LoginThrottle.UserAccount(userId);
        if ((await throttle.CheckAsync(account, cancellationToken)).AccountWait is { } wait)
        {
            return new(null, wait);
        }

        var error = await users.ChangePasswordAsync(userId, currentPassword, newPassword, cancellationToken);
        if (error == UserService.WrongCurrentPassword)
        {
            await throttle.FailedAsync(account, cancellationToken);
        }

        return new(error, null);
    }
}
