using Microsoft.EntityFrameworkCore;
using OrgKeys.Data;
using OrgKeys.Data.Entities;

namespace OrgKeys.Users;

/// <summary>
/// Finds the user an admin or an operator names (a new member, an organization's first admin). The
/// one lookup the API and the CLI share: a disabled user is found by neither.
/// </summary>
public sealed class ActiveUsers(OrgKeysDbContext db)
{
    public Task<int?> ByUsernameOrEmailAsync(string usernameOrEmail, CancellationToken cancellationToken)
    {
        var normalized = UserService.Normalize(usernameOrEmail);
        return FirstIdAsync(u => u.NormalizedUsername == normalized || u.NormalizedEmail == normalized, cancellationToken);
    }

    public Task<int?> ByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = UserService.Normalize(email);
        return FirstIdAsync(u => u.NormalizedEmail == normalized, cancellationToken);
    }

    public Task<int?> ByIdAsync(int userId, CancellationToken cancellationToken) =>
        FirstIdAsync(u => u.Id == userId, cancellationToken);

    private Task<int?> FirstIdAsync(System.Linq.Expressions.Expression<Func<User, bool>> named, CancellationToken cancellationToken) =>
        db.Users.Where(named).Where(u => !u.Disabled).Select(u => (int?)u.Id).FirstOrDefaultAsync(cancellationToken);
}
