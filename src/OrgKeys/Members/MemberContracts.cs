namespace OrgKeys.Members;

public sealed record AddMemberRequest(string? UsernameOrEmail, string? Role, IReadOnlyList<int>? Datasets);

public sealed record RemoveMemberRequest(int? Id);

public sealed record SetMemberRoleRequest(string? Role);
