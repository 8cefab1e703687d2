using Microsoft.AspNetCore.Authentication;

namespace OrgKeys.Authentication.Carriers;

/// <summary>A carrier's registration: its type, and the ASP.NET Core scheme named after it (in the OpenAPI document).</summary>
public sealed record CarrierRegistration(Type Carrier, string Scheme);

/// <summary>The registered carriers, in precedence order: explicit headers before the ambient cookie.</summary>
public sealed class CredentialCarriers
{
    private readonly ICredentialCarrier[] _carriers;
    private readonly string[] _schemes;

    public CredentialCarriers(IEnumerable<CarrierRegistration> registrations, IServiceProvider services)
    {
        var all = registrations.ToArray();
        _carriers = Array.ConvertAll(all, r => (ICredentialCarrier)services.GetRequiredService(r.Carrier));
        _schemes = Array.ConvertAll(all, r => r.Scheme);
    }

    /// <summary>Means "none present" or "several present" to <see cref="OnlyPresent"/>.</summary>
    public const int NotOne = -1;

    public int Count => _carriers.Length;

    public ICredentialCarrier this[int index] => _carriers[index];

    public string Scheme(int index) => _schemes[index];

    /// <summary>The carrier's position, which is also its metric series' (a handful of carriers: a loop is cheaper than a map).</summary>
    public int IndexOf(ICredentialCarrier carrier) => Array.IndexOf(_carriers, carrier);

    public int IndexOf(string scheme) => Array.IndexOf(_schemes, scheme);

    /// <summary>The one credential the request carries, or <see cref="NotOne"/>.</summary>
    public int OnlyPresent(HttpRequest request)
    {
        var found = NotOne;
        for (var i = 0; i < _carriers.Length; i++)
        {
            if (_carriers[i].IsPresent(request))
            {
                if (found != NotOne)
                {
                    return NotOne;
                }

                found = i;
            }
        }

        return found;
    }

    /// <summary>The policy scheme's choice, on every request: the carrier present, all-present for several, or the first (which answers NoResult).</summary>
    public string Select(HttpContext http)
    {
        string? first = null;
        for (var i = 0; i < _carriers.Length; i++)
        {
            if (!_carriers[i].IsPresent(http.Request))
            {
                continue;
            }

            if (first is not null)
            {
                return AuthSchemes.AllPresent;
            }

            first = _schemes[i];
        }

        return first ?? _schemes[0];
    }

    /// <summary>Whether the request carries any credential.</summary>
    public bool AnyPresent(HttpRequest request)
    {
        foreach (var carrier in _carriers)
        {
            if (carrier.IsPresent(request))
            {
                return true;
            }
        }

        return false;
    }
}

public static class CredentialCarrierRegistration
{
    /// <summary>Adds a carrier after those registered before it, with the authentication scheme named <paramref name="scheme"/>.</summary>
    public static IServiceCollection AddCredentialCarrier<TCarrier>(this IServiceCollection services, string scheme)
        where TCarrier : class, ICredentialCarrier
    {
        services.AddSingleton<TCarrier>();
        services.AddSingleton(new CarrierRegistration(typeof(TCarrier), scheme));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, CarrierAuthenticationHandler>(scheme, null);
        return services;
    }
}
