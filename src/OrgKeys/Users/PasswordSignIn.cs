using OrgKeys.Data.Entities;
using OrgKeys.Throttling;

namespace OrgKeys.Users;

/// <summary>What a password sign-in came to: a user, a wait imposed by the throttle, or neither (refused).</summary>
public readonly record struct SignInOutcome(User? User, TimeSpan? Wait);

/// <summary>
/// Password sign-in, shared by <c>/v1/api-login</c> and the <c>/signin</c> page so the rule exists once.
/// Unknown user and wrong password cost and answer the same; the throttle speaks before the password
/// is even checked, for real and unknown accounts alike.
/// </summary>
public sealed class PasswordSignIn(UserService users, LoginThrottle throttle)
{
    public const string Failed = "Invalid username, e-mail or password.";

    public async Task<SignInOutcome> SignInAsync(string usernameOrEmail, string password, CancellationToken cancellationToken)
    {
        var account = await throttle.AccountAsync(usernameOrEmail, cancellationToken);
        var verdict = await throttle.CheckAsync(account, cancellationToken);
        if (verdict.AccountWait is { } wait)
        {
            return new SignInOutcome(null, wait);
        }

        var user = await users.CheckPasswordAsync(usernameOrEmail, password, cancellationToken);
        if (user is null)
        {
            await throttle.FailedAsync(account, cancellationToken);
            return new SignInOutcome(null, verdict.AddressWait);
        }

        await throttle.SucceededAsync(account, cancellationToken);
        return new SignInOutcome(user, null);
    }
}
